import pg from 'pg';
import { migrateStateDb } from '../../src/db/migrate.js';
import { dropDatabase } from '../../src/db/ensure-database.js';
import { silentLogger } from '../../src/logger.js';
import { SERVER_URL, STATE_TEMPLATE } from './constants.js';

/**
 * Once per test run: a migrated state-DB template that each test file copies
 * (CREATE DATABASE … TEMPLATE is far faster than migrating every time).
 */
export default async function setup(): Promise<void> {
  const url = `${SERVER_URL}/${STATE_TEMPLATE}`;
  await dropDatabase(url);
  await migrateStateDb(url, silentLogger());
  // Nobody may stay connected to a template while it is copied.
  const admin = new pg.Client({ connectionString: `${SERVER_URL}/postgres` });
  await admin.connect();
  await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [STATE_TEMPLATE]);
  await admin.end();
}
