import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createPool, type Pool } from '../../src/db/pool.js';
import { dropDatabase } from '../../src/db/ensure-database.js';
import { inject } from 'vitest';
import { SERVER_URL } from './constants.js';

export interface TestStateDb {
  url: string;
  pool: Pool;
  drop(): Promise<void>;
}

/** A fresh, migrated state DB of its own for one test file. */
export async function createTestStateDb(label = 'state'): Promise<TestStateDb> {
  const name = `golive_t_${label}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: `${SERVER_URL}/postgres` });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${inject('stateTemplate')}"`);
  } finally {
    await admin.end();
  }
  const url = `${SERVER_URL}/${name}`;
  const pool = createPool(url, { applicationName: 'golive-test', max: 5 });
  return {
    url,
    pool,
    async drop() {
      await pool.end();
      await dropDatabase(url);
    },
  };
}

export function testQueuePrefix(label = 'q'): string {
  return `gltest-${label}-${randomBytes(4).toString('hex')}`;
}
