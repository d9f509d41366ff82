import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeGroup } from '../../../src/checks/execute.js';
import { SERVER_URL } from '../../support/constants.js';
import { baseContext, checkOf, emptyDatabase, UNREACHABLE_URL, type EmptyDatabase } from './support.js';

describe('pool_health check', () => {
  let db: EmptyDatabase;
  const role = `golive_t_lim_${randomBytes(3).toString('hex')}`;
  beforeAll(async () => {
    db = await emptyDatabase('pool');
    const admin = new pg.Client({ connectionString: `${SERVER_URL}/postgres` });
    await admin.connect();
    // A role allowed only two sessions stands in for a pool that is too small.
    await admin.query(`CREATE ROLE ${role} LOGIN CONNECTION LIMIT 2`);
    await admin.end();
  });
  afterAll(async () => {
    await db.drop();
    const admin = new pg.Client({ connectionString: `${SERVER_URL}/postgres` });
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS ${role}`);
    await admin.end();
  });

  it('passes when K concurrent sessions all answer', async () => {
    const check = checkOf('pool_health', { connections: 6 });
    const outcome = (await executeGroup([check], baseContext({ targetUrl: db.url }))).get(check.id)!;
    expect(outcome.status).toBe('pass');
    expect(outcome.observed).toMatchObject({ answered: 6, failed: 0 });
  });

  it('fails when some sessions are refused, saying why', async () => {
    const check = checkOf('pool_health', { connections: 5, query: 'SELECT pg_sleep(0.3)' });
    const url = db.url.replace('postgres@', `${role}@`);
    const outcome = (await executeGroup([check], baseContext({ targetUrl: url }))).get(check.id)!;
    expect(outcome.status).toBe('fail');
    expect(outcome.observed.answered).toBe(2);
    expect(outcome.observed.failed).toBe(3);
    expect(outcome.message).toMatch(/3 of 5 concurrent sessions failed/);
  });

  it('errors when no session answers', async () => {
    const check = checkOf('pool_health', { connections: 3 });
    const outcome = (await executeGroup([check], baseContext({ targetUrl: UNREACHABLE_URL }))).get(check.id)!;
    expect(outcome.status).toBe('error');
    expect(outcome.message).toMatch(/none of 3 sessions answered: connection refused/);
  });
});
