import { runner } from 'node-pg-migrate';
import type { Logger } from '../logger.js';
import { ensureDatabase } from './ensure-database.js';
import { fromRoot } from '../paths.js';

/**
 * Bring golive's state DB to the latest schema. Creates the database when it is
 * missing. node-pg-migrate holds an advisory lock while it works; with
 * advisoryLockMode 'wait' a second process starting at the same moment waits
 * for the first instead of failing.
 */
export async function migrateStateDb(databaseUrl: string, logger: Logger): Promise<string[]> {
  const created = await ensureDatabase(databaseUrl);
  if (created) logger.info('state database created');
  const applied = await runner({
    databaseUrl,
    dir: migrationsDir(),
    direction: 'up',
    migrationsTable: 'pgmigrations',
    singleTransaction: true,
    advisoryLockMode: 'wait',
    log: () => {},
    logger: { debug: () => {}, info: () => {}, warn: (m: string) => logger.warn(m), error: (m: string) => logger.error(m) },
  });
  const names = applied.map((m) => m.name);
  if (names.length > 0) logger.info({ migrations: names }, 'state database migrated');
  return names;
}

function migrationsDir(): string {
  return fromRoot('migrations');
}
