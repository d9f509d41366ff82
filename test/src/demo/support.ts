import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDatabaseFromTemplate, dropDatabase } from '../../../src/demo/databases.js';
import { ensureDemoTemplate, templateName } from '../../../src/demo/template.js';
import { SERVER_URL } from '../../support/constants.js';

/**
 * Demo databases for tests: one small template (20,000 rows) shared by every
 * test run, and a fresh copy of it per test. Never the demo environments.
 */

export const DEMO_TEST_PREFIX = 'golive_tdemo';
export const DEMO_TEST_ROWS = 20_000;

export async function demoTestTemplate(): Promise<string> {
  await ensureDemoTemplate({ serverUrl: SERVER_URL, prefix: DEMO_TEST_PREFIX, rows: DEMO_TEST_ROWS });
  return templateName(DEMO_TEST_PREFIX);
}

export interface DemoTestDatabase {
  name: string;
  url: string;
  client: pg.Client;
  drop(): Promise<void>;
}

export function uniqueDatabaseName(label: string): string {
  return `golive_t_${label}_${randomBytes(4).toString('hex')}`;
}

/** A fresh copy of the demo test template, with a connected client. */
export async function createDemoTestDatabase(label: string): Promise<DemoTestDatabase> {
  const template = await demoTestTemplate();
  const name = uniqueDatabaseName(label);
  const url = await createDatabaseFromTemplate(SERVER_URL, template, name);
  const client = new pg.Client({ connectionString: url, application_name: `golive-test-${label}` });
  client.on('error', () => {});
  await client.connect();
  return {
    name,
    url,
    client,
    async drop() {
      await client.end().catch(() => {});
      await dropDatabase(SERVER_URL, name);
    },
  };
}

export interface SchemaSnapshot {
  relations: string[];
  indexes: string[];
  constraints: string[];
  triggers: string[];
  functions: string[];
  columnDefaults: string[];
  idSequence: string | null;
  searchView: string | null;
}

/**
 * Everything a rollback must put back: every relation of the public schema
 * (tables, partitions, views, indexes, sequences) with its kind, every index
 * and constraint definition on the geometries table and its search view, the
 * migration's triggers and functions, the id default and sequence owner.
 */
export async function schemaSnapshot(client: pg.ClientBase): Promise<SchemaSnapshot> {
  const rows = async (sql: string) => (await client.query<{ v: string }>(sql)).rows.map((r) => r.v);
  return {
    relations: await rows(`SELECT relname || ':' || relkind::text AS v FROM pg_class
                           WHERE relnamespace = 'public'::regnamespace AND relname NOT LIKE 'spatial_ref_sys%' ORDER BY 1`),
    indexes: await rows(`SELECT pg_get_indexdef(indexrelid) AS v FROM pg_index
                         WHERE indrelid IN (to_regclass('public.catalogo_geometrias'), to_regclass('public.catalogo_busca')) ORDER BY 1`),
    constraints: await rows(`SELECT conname || ' ' || pg_get_constraintdef(oid) AS v FROM pg_constraint
                             WHERE conrelid = to_regclass('public.catalogo_geometrias') ORDER BY 1`),
    triggers: await rows(`SELECT tgrelid::regclass::text || ' ' || tgname AS v FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1`),
    functions: await rows(`SELECT proname AS v FROM pg_proc WHERE pronamespace = 'public'::regnamespace AND proname LIKE 'opt1%' ORDER BY 1`),
    columnDefaults: await rows(`SELECT column_name || '=' || coalesce(column_default, '') AS v FROM information_schema.columns
                                WHERE table_schema = 'public' AND table_name = 'catalogo_geometrias' ORDER BY ordinal_position`),
    idSequence: (await client.query<{ v: string | null }>(`SELECT pg_get_serial_sequence('public.catalogo_geometrias', 'id') AS v`)).rows[0]!.v,
    searchView: (await client.query<{ v: string | null }>(`SELECT pg_get_viewdef(to_regclass('public.catalogo_busca')) AS v`)).rows[0]!.v,
  };
}
