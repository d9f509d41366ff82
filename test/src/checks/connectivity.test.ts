import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeGroup } from '../../../src/checks/execute.js';
import { baseContext, checkOf, emptyDatabase, UNREACHABLE_URL, type EmptyDatabase } from './support.js';

describe('connectivity check', () => {
  let db: EmptyDatabase;
  beforeAll(async () => {
    db = await emptyDatabase('conn');
  });
  afterAll(async () => {
    await db.drop();
  });

  it('passes on a reachable database and reports the server version', async () => {
    const check = checkOf('connectivity', { via: 'direct' });
    const outcome = (await executeGroup([check], baseContext({ targetUrl: db.url }))).get(check.id)!;
    expect(outcome.status).toBe('pass');
    expect(outcome.observed.connected).toBe(true);
    expect(String(outcome.observed.server_version)).toMatch(/^\d+/);
    expect(outcome.message).toMatch(/connected to golive_t_conn_/);
  });

  it('turns an unreachable host into an error with a plain reason', async () => {
    const check = checkOf('connectivity');
    const outcome = (await executeGroup([check], baseContext({ targetUrl: UNREACHABLE_URL }))).get(check.id)!;
    expect(outcome.status).toBe('error');
    expect(outcome.observed.connected).toBe(false);
    expect(outcome.message).toMatch(/connection refused by 127\.0\.0\.1:1/);
  });

  it('names a database that does not exist, and never prints a password', async () => {
    const check = checkOf('connectivity');
    const url = db.url.replace('postgres@', 'postgres:s3cret@').replace(/golive_t_conn_\w+$/, 'golive_t_no_such_db');
    const outcome = (await executeGroup([check], baseContext({ targetUrl: url }))).get(check.id)!;
    expect(outcome.status).toBe('error');
    expect(outcome.message).toMatch(/database golive_t_no_such_db does not exist|authentication/);
    expect(JSON.stringify(outcome)).not.toContain('s3cret');
  });
});
