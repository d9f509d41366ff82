import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { executeGroup, type ExecutionContext } from '../../../src/checks/execute.js';
import type { CheckOutcome } from '../../../src/checks/types.js';
import { quoteIdent } from '../../../src/db/pool.js';
import { createDatabaseFromTemplate, dropDatabase, withAdminClient } from '../../../src/demo/databases.js';
import { forwardMigrationFiles, migrateDatabase } from '../../../src/demo/setup.js';
import { templateMarker } from '../../../src/demo/template.js';
import { fromRoot } from '../../../src/paths.js';
import type { Plan } from '../../../src/plan/schema.js';
import { SERVER_URL } from '../../support/constants.js';
import { DEMO_TEST_ROWS, demoTestTemplate, uniqueDatabaseName } from '../demo/support.js';
import { baseContext, checkOf, planWith } from './support.js';

/**
 * Databases for the integrity check tests: copies of the small demo template
 * (the original, unmigrated table, as staging is before `cp2 migrate`), and
 * copies of a migrated template built from it once (the partitioned table, as
 * shadow is). Each test copies what it needs and drops it at the end.
 */

const MIGRATED_TEMPLATE = 'golive_tintegrity_migrated';

export interface TestDatabase {
  name: string;
  url: string;
  client: pg.Client;
  /** Run SQL as the owner (tests break things on purpose). */
  sql(text: string, values?: unknown[]): Promise<pg.QueryResult>;
  drop(): Promise<void>;
}

async function connect(name: string, url: string): Promise<TestDatabase> {
  const client = new pg.Client({ connectionString: url, application_name: 'golive-test-integrity' });
  client.on('error', () => {});
  await client.connect();
  return {
    name,
    url,
    client,
    sql: (text, values) => client.query(text, values),
    async drop() {
      await client.end().catch(() => {});
      await dropDatabase(SERVER_URL, name);
    },
  };
}

/** A copy of the unmigrated demo data (public.catalogo_geometrias is a plain table). */
export async function plainDatabase(label: string): Promise<TestDatabase> {
  const name = uniqueDatabaseName(label);
  return connect(name, await copyDemoTemplate(name));
}

/**
 * CREATE DATABASE from the demo test template, holding the template's build
 * lock so that nobody rebuilds it mid-copy, and only from a template built by
 * this code's data set version (files change while other work goes on).
 */
async function copyDemoTemplate(name: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const template = await demoTestTemplate();
    const copied = await withAdminClient(SERVER_URL, async (admin) => {
      const lock = `golive:demo-template:${template}`;
      await admin.query('SELECT pg_advisory_lock(hashtext($1))', [lock]);
      try {
        const { rows } = await admin.query<{ comment: string | null }>(`SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1`, [template]);
        if (rows[0]?.comment !== templateMarker(DEMO_TEST_ROWS)) return undefined;
        return createDatabaseFromTemplate(SERVER_URL, template, name);
      } finally {
        await admin.query('SELECT pg_advisory_unlock(hashtext($1))', [lock]);
      }
    });
    if (copied) return copied;
    if (attempt >= 3) throw new Error(`${template} keeps being rebuilt by another version of the demo data set`);
  }
}

/** A copy of the demo data after the OPT1 migration (catalogo_geometrias partitioned, _legacy beside it). */
export async function migratedDatabase(label: string): Promise<TestDatabase> {
  const template = await ensureMigratedTemplate();
  const name = uniqueDatabaseName(label);
  return connect(name, await createDatabaseFromTemplate(SERVER_URL, template, name));
}

/**
 * Built once per change of the demo data or of the migration files (its
 * marker says which), under an advisory lock so parallel test files wait for
 * one build instead of racing.
 */
async function ensureMigratedTemplate(): Promise<string> {
  const files = await forwardMigrationFiles(fromRoot('plans', 'opt1'));
  const digest = createHash('sha256');
  for (const file of files) digest.update(await readFile(file));
  const marker = JSON.stringify({ golive_test_migrated: { base: templateMarker(DEMO_TEST_ROWS), migrations: digest.digest('hex').slice(0, 16) } });
  return withAdminClient(SERVER_URL, async (admin) => {
    await admin.query('SELECT pg_advisory_lock(hashtext($1))', [`golive:test:${MIGRATED_TEMPLATE}`]);
    try {
      const existing = await admin.query<{ comment: string | null }>(
        `SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1`,
        [MIGRATED_TEMPLATE],
      );
      if (existing.rows[0]?.comment === marker) return MIGRATED_TEMPLATE;
      await dropDatabase(SERVER_URL, MIGRATED_TEMPLATE);
      const url = await copyDemoTemplate(MIGRATED_TEMPLATE);
      await migrateDatabase(url);
      // The swap leaves the statistics of the new table to the next analyze; take them now so every copy starts alike.
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query('VACUUM ANALYZE').finally(() => client.end());
      await admin.query(`ALTER DATABASE ${quoteIdent(MIGRATED_TEMPLATE)} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`);
      await admin.query(`COMMENT ON DATABASE ${quoteIdent(MIGRATED_TEMPLATE)} IS '${marker.replace(/'/g, "''")}'`);
      return MIGRATED_TEMPLATE;
    } finally {
      await admin.query('SELECT pg_advisory_unlock(hashtext($1))', [`golive:test:${MIGRATED_TEMPLATE}`]);
    }
  });
}

/** A plan with the environments a cross-environment check resolves (their URLs come from `environmentUrl`). */
export function planWithEnvironments(names: string[]): Plan {
  return {
    ...planWith(),
    environments: Object.fromEntries(names.map((n) => [n, { url_var: `GOLIVE_ENV_${n.toUpperCase()}_URL` }])),
  } as unknown as Plan;
}

/**
 * Run one check through the engine's path (params parsed, timeout, the
 * check's expectations judged), on `environments` keyed by name; the first
 * is the one the check runs on.
 */
export async function runCheck(
  type: string,
  params: Record<string, unknown>,
  environments: Record<string, string>,
  extra: { expect?: unknown; context?: Partial<ExecutionContext> } = {},
): Promise<CheckOutcome> {
  const names = Object.keys(environments);
  const check = checkOf(type, params, extra.expect ? { expect: extra.expect } : {});
  const base = baseContext({
    plan: planWithEnvironments(names),
    environment: names[0]!,
    targetUrl: environments[names[0]!]!,
    environmentUrl: (name) => environments[name],
    ...extra.context,
  });
  const outcomes = await executeGroup([check], base);
  return outcomes.get(check.id)!;
}
