import pg from 'pg';
import { databaseName, quoteIdent, withDatabase } from './pool.js';

/**
 * Create the database named in the URL when it does not exist yet.
 * Two processes may race here: a duplicate_database error means the other won.
 */
export async function ensureDatabase(connectionString: string): Promise<boolean> {
  const name = databaseName(connectionString);
  const admin = new pg.Client({ connectionString: withDatabase(connectionString, 'postgres'), application_name: 'golive-setup' });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return false;
    try {
      await admin.query(`CREATE DATABASE ${quoteIdent(name)}`);
      return true;
    } catch (err) {
      // duplicate_database, or the catalog's unique index when both CREATEs ran at once.
      const code = (err as { code?: string }).code;
      if (code === '42P04' || code === '23505') return false;
      throw err;
    }
  } finally {
    await admin.end();
  }
}

export async function dropDatabase(connectionString: string): Promise<void> {
  const name = databaseName(connectionString);
  const admin = new pg.Client({ connectionString: withDatabase(connectionString, 'postgres'), application_name: 'golive-setup' });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
