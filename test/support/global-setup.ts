import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migrateStateDb } from '../../src/db/migrate.js';
import { dropDatabase } from '../../src/db/ensure-database.js';
import { silentLogger } from '../../src/logger.js';
import { SERVER_URL } from './constants.js';

declare module 'vitest' {
  export interface ProvidedContext {
    stateTemplate: string;
  }
}

/**
 * Once per test run: a migrated state-DB template that each test file copies
 * (CREATE DATABASE … TEMPLATE is far faster than migrating every time). Each
 * run has its own template, so two runs on one machine never drop each
 * other's.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const name = `golive_test_state_tpl_${randomBytes(4).toString('hex')}`;
  const url = `${SERVER_URL}/${name}`;
  await migrateStateDb(url, silentLogger());
  // Nobody may stay connected to a template while it is copied.
  const admin = new pg.Client({ connectionString: `${SERVER_URL}/postgres` });
  await admin.connect();
  await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [name]);
  await admin.end();
  project.provide('stateTemplate', name);
  return async () => {
    await dropDatabase(url);
  };
}
