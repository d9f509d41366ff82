import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/clock.js';
import { migrateDatabase } from '../../../src/demo/setup.js';
import type { Harness } from '../../support/harness.js';
import type { DemoTestDatabase } from '../demo/support.js';
import { ackText, blocksText, executionsOf, PEOPLE, startAndConfirm, waitForStatus, writeCutoverPlan, startCutoverBed, type CutoverBed, type CutoverPlanFiles } from './support.js';

const kindOf = async (client: pg.Client) => (await client.query(`SELECT relkind::text AS k FROM pg_class WHERE oid = 'public.catalogo_geometrias'::regclass`)).rows[0].k as string;

/**
 * `/golive cp3 rehearse`: the same procedure, thresholds and messages against
 * staging, without gate or PROCEED (it calibrates the budgets before the real
 * thing) and without waiting for the application team; it never stands in
 * for the cutover's record. And `/golive cp3 rollback`: the rollback file
 * alone on production, confirmed by the DBA, timed and verified.
 */
describe('cp3 rehearsal on staging, and a rollback on its own', () => {
  let plan: CutoverPlanFiles;
  let prod: DemoTestDatabase;
  let staging: DemoTestDatabase;
  let h: Harness;
  let bed: CutoverBed;
  const clock = new ManualClock('2026-02-17T15:00:00Z');

  beforeAll(async () => {
    plan = await writeCutoverPlan();
    bed = await startCutoverBed(plan, 'core', clock);
    ({ h, prod, staging } = bed);
  });
  afterAll(() => bed?.close());

  it('rehearses on staging: each step against its budget, production untouched, no cp3 decision', async () => {
    expect(ackText(await h.command('cp3 rehearse', PEOPLE.pm!))).toMatch(/may `rehearse`/);
    const rehearsal = await startAndConfirm(h, 'rehearse');
    expect(rehearsal).toMatchObject({ kind: 'rehearsal', environment: 'staging' });
    const done = await waitForStatus(h, rehearsal.id, ['completed', 'aborted', 'rolled_back', 'failed', 'interrupted']);
    expect(done).toMatchObject({ status: 'completed', finalState: 'completed' });

    expect(await kindOf(staging.client)).toBe('p');
    expect(await kindOf(prod.client)).toBe('r');
    const executions = await executionsOf(h.core.pool, rehearsal.id);
    expect(executions.map((e) => [e.purpose, e.status])).toEqual([
      ['rehearsal', 'succeeded'],
      ['rehearsal', 'succeeded'],
    ]);
    const summary = await h.fake.waitFor(() => h.fake.messages().find((m) => /rehearsal result/.test(m.text)));
    const text = blocksText(summary);
    expect(text).toMatch(/Each step against its budget/);
    for (const step of ['create_partitions', 'copy_data', 'create_indexes', 'swap_tables', 'reindex_analyze']) expect(text).toContain(step);
    expect(text).toMatch(/calibrate/);
    // The maintenance window is announced as a rehearsal; nobody was asked to stop an application.
    expect(h.fake.messages().some((m) => /\[rehearsal on staging\] .*Maintenance window active/.test(m.text))).toBe(true);
    expect((await h.core.pool.query(`SELECT count(*)::int AS n FROM cutover_items`)).rows[0].n).toBe(0);
    expect(await h.core.store.runs.latest('demo', 'cp3')).toBeUndefined();
  });

  it('rehearses again on a migrated staging by rolling it back first', async () => {
    const again = await startAndConfirm(h, 'rehearse');
    const done = await waitForStatus(h, again.id, ['completed', 'aborted', 'rolled_back', 'failed', 'interrupted']);
    expect(done).toMatchObject({ status: 'completed' });
    const executions = await executionsOf(h.core.pool, again.id);
    expect(executions.map((e) => [e.purpose, e.status])).toEqual([
      ['rehearsal', 'succeeded'],
      ['rehearsal', 'succeeded'],
      ['rollback', 'succeeded'],
    ]);
    expect((done.rollbackReport as { verified: boolean }).verified).toBe(true);
    expect(await kindOf(staging.client)).toBe('p');
  });

  it('rolls production back on its own, after the DBA confirms; verified; a cp3 run ROLLED BACK', async () => {
    await migrateDatabase(prod.url, `${plan.dir}/opt1`);
    expect(await kindOf(prod.client)).toBe('p');
    expect(ackText(await h.command('cp3 rollback', PEOPLE.cto!))).toMatch(/may `rollback`/);
    const rollback = await startAndConfirm(h, 'rollback');
    expect(rollback).toMatchObject({ kind: 'rollback', environment: 'production' });
    const done = await waitForStatus(h, rollback.id, ['completed', 'aborted', 'rolled_back', 'failed', 'interrupted']);
    expect(done).toMatchObject({ status: 'rolled_back', finalState: 'rolled_back' });
    expect(await kindOf(prod.client)).toBe('r');
    const report = done.rollbackReport as { verified: boolean; lines: string[]; beforeRollback: { rows: number }; after: { rows: number } };
    expect(report.verified).toBe(true);
    expect(report.after.rows).toBe(report.beforeRollback.rows);
    const run = (await h.core.store.runs.latest('demo', 'cp3'))!;
    expect(run).toMatchObject({ decision: 'ROLLED BACK', decisionKind: 'nogo' });
    const summary = await h.fake.waitFor(() => h.fake.messages().find((m) => /rollback of production/.test(m.text) && /summary/.test(m.text)));
    expect(blocksText(summary)).toMatch(/verified ✓/);
    expect(blocksText(summary)).toMatch(/limit 30s/);
  }, 180_000);
});
