import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeGroup } from '../../../src/checks/execute.js';
import { SERVER_URL } from '../../support/constants.js';
import { createDemoTestDatabase, type DemoTestDatabase } from '../demo/support.js';
import { baseContext, checkOf, UNREACHABLE_URL } from './support.js';

describe('backup_tool check (real pg_dump / pg_restore)', () => {
  let db: DemoTestDatabase;
  let dir: string;
  beforeAll(async () => {
    db = await createDemoTestDatabase('bkp');
    dir = await mkdtemp(path.join(os.tmpdir(), 'golive-bkp-'));
  });
  afterAll(async () => {
    await db.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('dumps the target, reads the table of contents back, and removes a temporary dump', async () => {
    const functional = checkOf('backup_tool', { path: dir });
    const verified = { ...checkOf('backup_tool', { path: dir }), id: 'verify', expect: { metric: 'toc_entries', op: '>', value: 10 } } as typeof functional;
    const outcomes = await executeGroup([functional, verified], baseContext({ targetUrl: db.url }));
    const a = outcomes.get(functional.id)!;
    expect(a.status).toBe('pass');
    expect(a.observed.ok).toBe(true);
    expect(a.observed.size_bytes).toBeGreaterThan(100_000);
    expect(a.observed.toc_entries).toBeGreaterThan(10);
    expect(a.message).toMatch(/pg_dump custom .* TOC entries read back/);
    // One execution, judged for both checks.
    expect(outcomes.get('verify')!.status).toBe('pass');
    expect(outcomes.get('verify')!.observed).toEqual(a.observed);
    expect(await readdir(dir)).toEqual([]);
  });

  it('keeps a named dump and restores it into a scratch database that is dropped after', async () => {
    const check = checkOf('backup_tool', { path: dir, file_name: 'pre-opt1.dump', restore_into_scratch: true });
    const outcome = (await executeGroup([check], baseContext({ targetUrl: db.url }))).get(check.id)!;
    expect(outcome.status).toBe('pass');
    expect(outcome.observed.restored).toBe(true);
    expect((outcome.evidence.scratch_restore as { tables_restored: number }).tables_restored).toBeGreaterThanOrEqual(2);
    expect(await readdir(dir)).toEqual(['pre-opt1.dump']);
    const admin = new pg.Client({ connectionString: `${SERVER_URL}/postgres` });
    await admin.connect();
    const scratch = (outcome.evidence.scratch_restore as { database: string }).database;
    const left = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [scratch]);
    await admin.end();
    expect(left.rowCount).toBe(0);
  });

  it('fails when the backup directory does not exist', async () => {
    const check = checkOf('backup_tool', { path: path.join(dir, 'missing') });
    const outcome = (await executeGroup([check], baseContext({ targetUrl: db.url }))).get(check.id)!;
    expect(outcome.status).toBe('fail');
    expect(outcome.message).toMatch(/pg_dump failed: .*(No such file|could not open)/);
  });

  it('errors when the target is unreachable', async () => {
    const check = checkOf('backup_tool', { path: dir });
    const outcome = (await executeGroup([check], baseContext({ targetUrl: UNREACHABLE_URL }))).get(check.id)!;
    expect(outcome.status).toBe('error');
    expect(outcome.message).toMatch(/pg_dump failed: .*(Connection refused|connection to server)/);
  });
});
