import { readdir } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { loadMigrationFile, type MigrationFile } from '../migration-file/parse.js';
import { fromRoot } from '../paths.js';
import { redactUrl } from '../redact.js';
import { applySteps } from './apply.js';
import { createDatabaseFromTemplate, databaseUrl, dropDatabase } from './databases.js';
import { ensureDemoTemplate } from './template.js';

/**
 * `npm run demo:setup`: the template, then the three environments copied from
 * it, then shadow migrated (it is where the migration was already validated,
 * "APPROVED_FROM_SHADOW"; staging and production stay unmigrated).
 */

export const DEFAULT_SERVER_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
export const DEFAULT_PREFIX = 'golive_demo';
export const DEFAULT_ROWS = 200_000;
export const ENVIRONMENTS = ['shadow', 'staging', 'production'] as const;
export type DemoEnvironment = (typeof ENVIRONMENTS)[number];

export interface DemoSetupOptions {
  serverUrl: string;
  prefix: string;
  rows: number;
  /** Directory of the migration files (default plans/opt1). */
  planDir?: string;
  rebuildTemplate?: boolean;
  log?: (line: string) => void;
}

export interface DemoSetupResult {
  template: string;
  templateBuilt: boolean;
  environments: Array<{ name: DemoEnvironment; database: string; url: string; migrated: boolean }>;
}

/** The forward migration files of a plan directory, in the order they run (by their numeric prefix). */
export async function forwardMigrationFiles(planDir: string): Promise<string[]> {
  const names = (await readdir(planDir)).filter((name) => /^\d+_.+\.sql$/.test(name));
  names.sort((a, b) => Number(a.split('_')[0]) - Number(b.split('_')[0]) || a.localeCompare(b));
  return names.map((name) => path.join(planDir, name));
}

export async function loadForwardMigrations(planDir: string = fromRoot('plans', 'opt1')): Promise<MigrationFile[]> {
  return Promise.all((await forwardMigrationFiles(planDir)).map((file) => loadMigrationFile(file)));
}

/** Run every forward migration file of `planDir`, in order, on the database at `url`. */
export async function migrateDatabase(url: string, planDir: string = fromRoot('plans', 'opt1'), log: (line: string) => void = () => {}): Promise<void> {
  const files = await loadForwardMigrations(planDir);
  const client = new pg.Client({ connectionString: url, application_name: 'golive-demo-setup' });
  client.on('error', () => {});
  await client.connect();
  try {
    for (const file of files) {
      log(` ${path.basename(file.fileName)}`);
      await applySteps(client, file, { log });
    }
  } finally {
    await client.end();
  }
}

export async function setupDemo(options: DemoSetupOptions): Promise<DemoSetupResult> {
  const log = options.log ?? (() => {});
  const planDir = options.planDir ?? fromRoot('plans', 'opt1');
  // Parse the migration files first: a broken file should stop us before any database is dropped.
  await loadForwardMigrations(planDir);

  const template = await ensureDemoTemplate({
    serverUrl: options.serverUrl,
    prefix: options.prefix,
    rows: options.rows,
    rebuild: options.rebuildTemplate,
    log,
  });

  const environments: DemoSetupResult['environments'] = [];
  const create = async (name: DemoEnvironment) => {
    const database = `${options.prefix}_${name}`;
    // WITH (FORCE) ends anyone still connected (a running golive, a psql).
    await dropDatabase(options.serverUrl, database);
    const url = await createDatabaseFromTemplate(options.serverUrl, template.name, database);
    log(`created ${database} from ${template.name}`);
    const environment = { name, database, url, migrated: false };
    environments.push(environment);
    return environment;
  };

  // Shadow first, and migrated while the other two are copied: the copies
  // are mostly I/O, the migration mostly CPU, and the machine has two cores.
  const shadow = await create('shadow');
  log(`migrating ${shadow.database}`);
  const migration = migrateDatabase(shadow.url, planDir, log).then(() => {
    shadow.migrated = true;
  });
  // Settle the migration even if a copy fails, so no promise is left unobserved.
  const copies = (async () => {
    await create('staging');
    await create('production');
  })();
  const [migrated, copied] = await Promise.allSettled([migration, copies]);
  if (migrated.status === 'rejected') throw migrated.reason;
  if (copied.status === 'rejected') throw copied.reason;
  environments.sort((a, b) => ENVIRONMENTS.indexOf(a.name) - ENVIRONMENTS.indexOf(b.name));

  return { template: template.name, templateBuilt: template.built, environments };
}

/** The `GOLIVE_ENV_*_URL=…` lines to paste into .env (passwords shown as ***). */
export function environmentLines(serverUrl: string, result: DemoSetupResult): string[] {
  return result.environments.map((e) => `GOLIVE_ENV_${e.name.toUpperCase()}_URL=${redactUrl(databaseUrl(serverUrl, e.database))}`);
}
