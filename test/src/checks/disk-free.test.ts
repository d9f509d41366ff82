import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeGroup } from '../../../src/checks/execute.js';
import { baseContext, checkOf, emptyDatabase, type EmptyDatabase } from './support.js';

describe('disk_free check', () => {
  it('passes above the free-space threshold', async () => {
    const check = checkOf('disk_free', { path: os.tmpdir() }, { expect: { op: '>', value: 1, unit: 'MB' } });
    const outcome = (await executeGroup([check], baseContext())).get(check.id)!;
    expect(outcome.status).toBe('pass');
    expect(outcome.observed.free_bytes).toBeGreaterThan(1024 * 1024);
    expect(outcome.observed.total_bytes).toBeGreaterThanOrEqual(outcome.observed.free_bytes as number);
  });

  it('fails under the threshold with observed against expected in the plan’s unit', async () => {
    const check = checkOf('disk_free', { path: os.tmpdir() }, { expect: { op: '>', value: 1000, unit: 'TB' } });
    const outcome = (await executeGroup([check], baseContext())).get(check.id)!;
    expect(outcome.status).toBe('fail');
    expect(outcome.message).toMatch(/^[\d.]+ TB, target > 1000 TB$/);
    expect(outcome.expected[0]).toMatchObject({ text: '> 1000 TB', met: false });
  });

  it('errors on a path that does not exist on the worker host', async () => {
    const check = checkOf('disk_free', { path: '/no/such/golive/dir' }, { expect: { op: '>', value: 1, unit: 'GB' } });
    const outcome = (await executeGroup([check], baseContext())).get(check.id)!;
    expect(outcome.status).toBe('error');
    expect(outcome.message).toMatch(/does not exist on the worker host/);
  });

  describe('data directory', () => {
    let db: EmptyDatabase;
    beforeAll(async () => {
      db = await emptyDatabase('disk');
    });
    afterAll(async () => {
      await db.drop();
    });

    it('asks the database for its data directory and measures it (database on this host)', async () => {
      const check = checkOf('disk_free', { location: 'data_directory' }, { expect: { op: '>', value: 1, unit: 'MB' } });
      const outcome = (await executeGroup([check], baseContext({ targetUrl: db.url }))).get(check.id)!;
      // The test server runs on this machine; its data directory may be unreadable to this user.
      expect(['pass', 'error']).toContain(outcome.status);
      expect(String(outcome.evidence.path ?? '')).toMatch(/\//);
    });
  });
});
