import { loadConfig } from '../config.js';
import { migrateStateDb } from '../db/migrate.js';
import { createLogger } from '../logger.js';
import { exitOnStartupError } from '../app/shutdown.js';

/** `npm run migrate`: bring the state DB to the latest schema (created when missing). */
try {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel, name: 'golive-migrate' });
  const applied = await migrateStateDb(config.databaseUrl, logger);
  process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'state database is up to date\n');
} catch (err) {
  exitOnStartupError(err);
}
