import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeGroup } from '../../../src/checks/execute.js';
import { loadPlanFile } from '../../../src/plan/load.js';
import { fromRoot } from '../../../src/paths.js';
import type { Check } from '../../../src/plan/schema.js';
import { createDemoTestDatabase, DEMO_TEST_ROWS, type DemoTestDatabase } from '../demo/support.js';
import { baseContext, checkOf } from './support.js';

/** backup_verify on a real pg_dump of the demo data: read back, restored, counted; a broken file fails. */
describe('backup_verify', () => {
  let db: DemoTestDatabase;
  let dir: string;
  const plan = loadPlanFile(fromRoot('plans/demo.yaml')).plan;
  const run = async (params: Record<string, unknown>) => {
    const check = checkOf('backup_verify', params) as Check;
    return (await executeGroup([check], baseContext({ plan, targetUrl: db.url }))).get(check.id)!;
  };

  beforeAll(async () => {
    db = await createDemoTestDatabase('bverify');
    dir = await mkdtemp(path.join(tmpdir(), 'golive-bverify-'));
    const take = checkOf('backup_tool', { path: dir, file_name: 'demo.dump', format: 'custom', restore_list: false }) as Check;
    const taken = (await executeGroup([take], baseContext({ plan, targetUrl: db.url }))).get(take.id)!;
    expect(taken.status, taken.message).toBe('pass');
  });
  afterAll(async () => {
    await db?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('fails plainly when the directory holds no backup', async () => {
    const empty = await mkdtemp(path.join(tmpdir(), 'golive-bverify-empty-'));
    const out = await run({ path: empty });
    expect(out.status).toBe('fail');
    expect(out.message).toBe(`no backup in ${empty}`);
    await rm(empty, { recursive: true });
  });

  it('reads the newest backup back with pg_restore --list', async () => {
    const out = await run({ path: dir });
    expect(out.status, out.message).toBe('pass');
    expect(out.observed.toc_entries as number).toBeGreaterThan(5);
    expect(out.message).toMatch(/^demo\.dump: \d+ TOC entries read back$/);
  });

  it('restores it into a scratch database and counts the target table, leaving no database behind', async () => {
    const out = await run({ path: dir, file_name: 'demo.dump', mode: 'restore' });
    expect(out.status, out.message).toBe('pass');
    expect(out.observed.restored_rows).toBe(DEMO_TEST_ROWS);
    const scratch = (out.evidence.scratch_restore as { database: string }).database;
    const { rows } = await db.client.query(`SELECT count(*)::int AS n FROM pg_database WHERE datname = $1`, [scratch]);
    expect(rows[0].n).toBe(0);
  });

  it('a file that is not a dump fails, with pg_restore’s reason', async () => {
    await writeFile(path.join(dir, 'broken.dump'), 'not a dump at all');
    const out = await run({ path: dir, file_name: 'broken.dump' });
    expect(out.status).toBe('fail');
    expect(out.message).toMatch(/pg_restore --list could not read broken\.dump: .*(input file does not appear to be a valid archive|too short)/);
  });
});
