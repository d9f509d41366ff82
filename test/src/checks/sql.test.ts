import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeGroup } from '../../../src/checks/execute.js';
import { baseContext, checkOf, emptyDatabase, UNREACHABLE_URL, type EmptyDatabase } from './support.js';

describe('sql check', () => {
  let db: EmptyDatabase;
  beforeAll(async () => {
    db = await emptyDatabase('sql');
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    await c.query('CREATE TABLE t (id int); INSERT INTO t SELECT generate_series(1, 42)');
    await c.end();
  });
  afterAll(async () => {
    await db.drop();
  });

  const run = async (params: Record<string, unknown>, expectation: unknown, extra: Record<string, unknown> = {}, targetUrl = db.url) => {
    const check = checkOf('sql', params, { expect: expectation, ...extra });
    return (await executeGroup([check], baseContext({ targetUrl }))).get(check.id)!;
  };

  it('compares a single value (bigint arrives as a number) and passes', async () => {
    const outcome = await run({ query: 'SELECT count(*) FROM t' }, { op: '==', value: 42 });
    expect(outcome.status).toBe('pass');
    expect(outcome.observed.value).toBe(42);
  });

  it('fails with observed against expected', async () => {
    const outcome = await run({ query: 'SELECT count(*) FROM t' }, { op: '>=', value: 100 });
    expect(outcome.status).toBe('fail');
    expect(outcome.message).toBe('42, target ≥ 100');
  });

  it('compares booleans and text', async () => {
    expect((await run({ query: "SELECT current_setting('server_version_num')::int >= 150000" }, { op: '==', value: true })).status).toBe('pass');
    expect((await run({ query: "SELECT 'on'::text" }, { op: '==', value: 'off' })).status).toBe('fail');
  });

  it('runs read-only: a write is refused and reported', async () => {
    const outcome = await run({ query: 'INSERT INTO t VALUES (0) RETURNING 1' }, { op: '==', value: 1 });
    expect(outcome.status).toBe('error');
    expect(outcome.message).toMatch(/read-only/);
  });

  it('times out with a plain message', async () => {
    const outcome = await run({ query: 'SELECT 1 FROM pg_sleep(5)' }, { op: '==', value: 1 }, { timeout: '500ms' });
    expect(outcome.status).toBe('error');
    expect(outcome.message).toMatch(/timed out after 0\.5 s|statement_timeout/);
  });

  it('errors on an unreachable database', async () => {
    const outcome = await run({ query: 'SELECT 1' }, { op: '==', value: 1 }, {}, UNREACHABLE_URL);
    expect(outcome.status).toBe('error');
    expect(outcome.message).toMatch(/connection refused/);
  });
});
