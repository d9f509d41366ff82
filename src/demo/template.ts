import pg from 'pg';
import { quoteIdent } from '../db/pool.js';
import { DATASET_VERSION, loadDemoDataset } from './dataset.js';
import { assertDatabaseName, databaseUrl, dropDatabase, withAdminClient } from './databases.js';

/**
 * The template database every demo environment and every test database is
 * copied from. Building it takes seconds to a minute; copying it, about one.
 *
 * A finished template carries a marker in its database comment:
 *   {"golive_demo_template":{"rows":200000,"version":"<DATASET_VERSION>"}}
 * It is written last, so a build that was interrupted has none and is rebuilt.
 */

export interface DemoTemplateOptions {
  serverUrl: string;
  /** The template is `<prefix>_template`. */
  prefix: string;
  rows: number;
  /** Rebuild even when a matching template exists. */
  rebuild?: boolean;
  log?: (line: string) => void;
}

export interface DemoTemplate {
  name: string;
  /** false: an existing template with the same rows and version was reused. */
  built: boolean;
}

export function templateName(prefix: string): string {
  return `${prefix}_template`;
}

export function templateMarker(rows: number): string {
  return JSON.stringify({ golive_demo_template: { rows, version: DATASET_VERSION } });
}

export async function ensureDemoTemplate(options: DemoTemplateOptions): Promise<DemoTemplate> {
  const name = templateName(options.prefix);
  assertDatabaseName(name);
  const log = options.log ?? (() => {});
  const marker = templateMarker(options.rows);

  return withAdminClient(options.serverUrl, async (admin) => {
    // Test files run in parallel and may all want the same template: one builds it, the others wait and reuse it.
    await admin.query('SELECT pg_advisory_lock(hashtext($1))', [`golive:demo-template:${name}`]);
    try {
      const existing = await admin.query<{ comment: string | null }>(
        `SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1`,
        [name],
      );
      if (!options.rebuild && existing.rows[0]?.comment === marker) {
        log(`template ${name} (${options.rows.toLocaleString('en')} rows) is up to date: reused`);
        return { name, built: false };
      }

      log(`building template ${name} with ${options.rows.toLocaleString('en')} rows`);
      await dropDatabase(options.serverUrl, name);
      // template0: nothing anyone added to template1 ends up in the demo.
      await admin.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE template0`);

      const client = new pg.Client({ connectionString: databaseUrl(options.serverUrl, name), application_name: 'golive-demo-setup' });
      client.on('error', () => {});
      await client.connect();
      try {
        await loadDemoDataset(client, options.rows, log);
      } finally {
        await client.end();
      }

      // Marked as a template and closed to connections, so nobody changes it by accident
      // (and nobody blocks CREATE DATABASE … TEMPLATE by sitting in it).
      await admin.query(`ALTER DATABASE ${quoteIdent(name)} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`);
      await admin.query(`COMMENT ON DATABASE ${quoteIdent(name)} IS ${quoteLiteral(marker)}`);
      return { name, built: true };
    } finally {
      await admin.query('SELECT pg_advisory_unlock(hashtext($1))', [`golive:demo-template:${name}`]);
    }
  });
}

function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
