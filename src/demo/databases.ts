import pg from 'pg';
import { quoteIdent, withDatabase } from '../db/pool.js';
import { GoliveError } from '../errors.js';

/**
 * Creating and dropping whole databases on one server, for the demo
 * environments and for tests that take their own copy of the demo template.
 * `serverUrl` is any URL on the server (its database part is ignored: the
 * commands run from the `postgres` maintenance database).
 */

const SAFE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const NEVER_DROP = new Set(['postgres', 'template0', 'template1']);

export function assertDatabaseName(name: string): void {
  if (!SAFE_NAME.test(name)) {
    throw new GoliveError('DEMO_DATABASE_NAME', `"${name}" is not a usable database name here: use lower case letters, digits and _ (at most 63), starting with a letter or _`);
  }
}

/** The URL of database `name` on the server of `serverUrl`. */
export function databaseUrl(serverUrl: string, name: string): string {
  return withDatabase(serverUrl, name);
}

/** Run `fn` on a short-lived connection to the server's maintenance database. */
export async function withAdminClient<T>(serverUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres'), application_name: 'golive-demo-setup' });
  // A server restart while we wait must not crash the process.
  client.on('error', () => {});
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** CREATE DATABASE newName TEMPLATE template; returns the new database's URL. */
export async function createDatabaseFromTemplate(serverUrl: string, template: string, newName: string): Promise<string> {
  assertDatabaseName(template);
  assertDatabaseName(newName);
  await withAdminClient(serverUrl, (client) => client.query(`CREATE DATABASE ${quoteIdent(newName)} TEMPLATE ${quoteIdent(template)}`));
  return databaseUrl(serverUrl, newName);
}

/**
 * Drop a database if it exists, ending its sessions first (WITH (FORCE)).
 * A template is un-marked first: PostgreSQL refuses to drop one otherwise.
 */
export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  assertDatabaseName(name);
  if (NEVER_DROP.has(name)) throw new GoliveError('DEMO_DATABASE_NAME', `refusing to drop the system database "${name}"`);
  await withAdminClient(serverUrl, async (client) => {
    const found = await client.query<{ datistemplate: boolean }>('SELECT datistemplate FROM pg_database WHERE datname = $1', [name]);
    if (found.rows[0]?.datistemplate) await client.query(`ALTER DATABASE ${quoteIdent(name)} IS_TEMPLATE false`);
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  });
}

export async function databaseExists(serverUrl: string, name: string): Promise<boolean> {
  const result = await withAdminClient(serverUrl, (client) => client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]));
  return (result.rowCount ?? 0) > 0;
}
