import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/clock.js';
import { createDatabaseFromTemplate, dropDatabase } from '../../../src/demo/databases.js';
import { SERVER_URL } from '../../support/constants.js';
import { startHarness, type Harness } from '../../support/harness.js';
import { createDemoTestDatabase, demoTestTemplate, uniqueDatabaseName, type DemoTestDatabase } from '../demo/support.js';
import {
  ackText,
  autoConfirmItems,
  blocksText,
  DBA,
  executionsOf,
  insertIntoStep,
  insertProceed,
  openGateBefore,
  PEOPLE,
  startAndConfirm,
  waitForStatus,
  writeCutoverPlan,
  type CutoverPlanFiles,
} from './support.js';

/**
 * The three ways a cutover ends in a rollback, each on a fresh copy of the
 * demo test database: the hard stop (golive aborts and rolls back by itself
 * when the plan's clock passes +55 min, here +330 s), the DBA's abort in the
 * middle of a step (it stops at the next safe point), and a step that fails
 * (the critical error: abort and roll back at once). Every rollback is
 * verified against the pre-cutover snapshot, and each produces a cp3 run
 * decided ROLLED BACK.
 *
 * The migration file is the real one with two additions: copy_data sleeps
 * 4 s (a step long enough to act on), and create_indexes fails when the
 * target has a table named golive_test_sabotage.
 */
describe('cp3 cutover: hard stop, abort, failing step', () => {
  let plan: CutoverPlanFiles;
  let staging: DemoTestDatabase;
  let h: Harness;
  const prodName = uniqueDatabaseName('costop');
  let prodUrl: string;
  const clock = new ManualClock('2026-02-17T15:00:00Z');

  const freshProduction = async () => {
    await dropDatabase(SERVER_URL, prodName);
    await createDatabaseFromTemplate(SERVER_URL, await demoTestTemplate(), prodName);
  };
  const onProduction = async <T>(work: (c: pg.Client) => Promise<T>): Promise<T> => {
    const c = new pg.Client({ connectionString: prodUrl });
    await c.connect();
    try {
      return await work(c);
    } finally {
      await c.end();
    }
  };
  const tableState = () =>
    onProduction(async (c) => {
      const kind = (await c.query(`SELECT relkind::text AS k FROM pg_class WHERE oid = 'public.catalogo_geometrias'::regclass`)).rows[0].k;
      const rows = Number((await c.query(`SELECT count(*) AS n FROM public.catalogo_geometrias`)).rows[0].n);
      const invalid = Number((await c.query(`SELECT count(*) AS n FROM pg_index WHERE indrelid = 'public.catalogo_geometrias'::regclass AND NOT indisvalid`)).rows[0].n);
      const leftovers = (await c.query(`SELECT relname FROM pg_class WHERE relname LIKE 'catalogo_geometrias_%' AND relname NOT LIKE '%_idx' AND relname NOT LIKE '%_gist' AND relname NOT LIKE '%_brin' AND relname NOT LIKE '%_pkey' AND relname NOT LIKE '%_seq' ORDER BY 1`)).rows.map((r) => r.relname);
      return { kind, rows, invalid, leftovers };
    });
  const sleepingIn = (cutoverId: number) =>
    onProduction(async (c) => {
      const { rowCount } = await c.query(`SELECT 1 FROM pg_stat_activity WHERE application_name LIKE 'golive:cutover:%' AND query LIKE '%pg_sleep%' AND state = 'active'`);
      return (rowCount ?? 0) > 0 ? cutoverId : 0;
    });

  beforeAll(async () => {
    plan = await writeCutoverPlan({
      partitioning: (sql) =>
        insertIntoStep(
          insertIntoStep(sql, 'copy_data', 'SELECT pg_sleep(4);'),
          'create_indexes',
          `DO $sabotage$ BEGIN IF to_regclass('public.golive_test_sabotage') IS NOT NULL THEN RAISE EXCEPTION 'sabotaged by the test'; END IF; END $sabotage$;`,
        ),
    });
    staging = await createDemoTestDatabase('costopstg');
    await freshProduction();
    prodUrl = `${SERVER_URL}/${prodName}`;
    h = await startHarness({ planFiles: [plan.file], environments: { shadow: staging.url, staging: staging.url, production: prodUrl }, clock });
    await openGateBefore(h.core.pool, h.core.plans.require('demo'));
  });
  afterAll(async () => {
    await h?.close();
    await dropDatabase(SERVER_URL, prodName).catch(() => {});
    await staging?.drop();
    await plan?.remove();
  });

  it('hits the hard stop and rolls back by itself, verified against the snapshot', async () => {
    await insertProceed(h.core.pool);
    const cutover = await startAndConfirm(h);
    const stop = autoConfirmItems(h, cutover.id);
    try {
      await h.fake.waitFor(() => sleepingIn(cutover.id), { timeoutMs: 60_000, description: 'copy_data sleeping' });
      clock.advance(331_000);
      const done = await waitForStatus(h, cutover.id, ['completed', 'aborted', 'rolled_back', 'failed', 'interrupted']);
      expect(done).toMatchObject({ status: 'rolled_back', finalState: 'rolled_back' });
      expect(done.finalReason).toMatch(/hard stop/);
    } finally {
      stop();
    }
    const thresholds = (await h.core.pool.query(`SELECT action FROM cutover_thresholds WHERE cutover_id = $1 ORDER BY after_ms`, [cutover.id])).rows.map((r) => r.action);
    expect(thresholds).toEqual(['assess', 'consider_abort', 'hard_stop_rollback']);
    const hardStop = h.fake.messages().filter((m) => /HARD STOP → rollback \(.* into the migration\)/.test(m.text) && m.text.includes(`#${cutover.id}`));
    expect(hardStop).toHaveLength(1);
    expect(blocksText(hardStop[0]!)).toMatch(/rollback file by itself/);

    // The step was cancelled mid-statement, never finished; the rollback ran and was verified.
    const executions = await executionsOf(h.core.pool, cutover.id);
    expect(executions[0]).toMatchObject({ purpose: 'cutover', status: 'aborted' });
    expect(executions[0]!.steps).toEqual([
      ['create_partitions', 'succeeded'],
      ['copy_data', 'failed'],
    ]);
    expect(executions.at(-1)).toMatchObject({ purpose: 'rollback', status: 'succeeded' });
    const report = (await h.core.store.cutovers.get(cutover.id))!.rollbackReport as { verified: boolean; snapshot: { rows: number; checksum: string }; after: { rows: number; checksum: string } };
    expect(report.verified).toBe(true);
    expect(report.after).toMatchObject({ rows: report.snapshot.rows, checksum: report.snapshot.checksum });
    expect(await tableState()).toEqual({ kind: 'r', rows: 20_000, invalid: 0, leftovers: [] });

    const run = (await h.core.store.runs.latest('demo', 'cp3'))!;
    expect(run).toMatchObject({ decision: 'ROLLED BACK', decisionKind: 'nogo' });
    expect(run.decisionDetail).toMatchObject({ cutover: 'rolled_back', cutover_id: cutover.id });
    const summary = await h.fake.waitFor(() => h.fake.messages().find((m) => /post-cutover summary/.test(m.text) && m.text.includes(`#${cutover.id}`)));
    expect(blocksText(summary)).toMatch(/Rollback/);
    expect(blocksText(summary)).toMatch(/verified ✓/);
    expect(blocksText(summary)).toMatch(/Reschedule/);
  });

  it('aborts in the middle of a step at the next safe point and rolls back', async () => {
    await freshProduction();
    await insertProceed(h.core.pool);
    const cutover = await startAndConfirm(h);
    const stop = autoConfirmItems(h, cutover.id);
    try {
      await h.fake.waitFor(() => sleepingIn(cutover.id), { timeoutMs: 60_000, description: 'copy_data sleeping' });
      expect(ackText(await h.command('cp3 abort', PEOPLE.app_lead!))).toMatch(/may `abort`/);
      expect(ackText(await h.command('cp3 abort', DBA))).toMatch(/Abort requested: cutover #\d+ stops at its next safe point after step copy_data and rolls back/);
      const done = await waitForStatus(h, cutover.id, ['completed', 'aborted', 'rolled_back', 'failed', 'interrupted']);
      expect(done).toMatchObject({ status: 'aborted', finalState: 'aborted' });
    } finally {
      stop();
    }
    const executions = await executionsOf(h.core.pool, cutover.id);
    // copy_data finished (the safe point is after it); nothing after it ran.
    expect(executions[0]).toMatchObject({ status: 'aborted' });
    expect(executions[0]!.steps).toEqual([
      ['create_partitions', 'succeeded'],
      ['copy_data', 'succeeded'],
    ]);
    expect(executions.at(-1)).toMatchObject({ purpose: 'rollback', status: 'succeeded' });
    expect(await tableState()).toEqual({ kind: 'r', rows: 20_000, invalid: 0, leftovers: [] });
    expect((await h.core.store.runs.latest('demo', 'cp3'))!).toMatchObject({ decision: 'ROLLED BACK' });
    const audit = (await h.core.pool.query(`SELECT action, actor FROM audit_log WHERE action IN ('cutover.abort_requested', 'permission.refused') ORDER BY id`)).rows;
    expect(audit).toEqual(expect.arrayContaining([{ action: 'cutover.abort_requested', actor: DBA }, { action: 'permission.refused', actor: PEOPLE.app_lead }]));
  });

  it('a failing step (critical error) aborts and rolls back at once', async () => {
    await freshProduction();
    await onProduction((c) => c.query('CREATE TABLE public.golive_test_sabotage (id int)'));
    await insertProceed(h.core.pool);
    const cutover = await startAndConfirm(h);
    const stop = autoConfirmItems(h, cutover.id);
    let done;
    try {
      done = await waitForStatus(h, cutover.id, ['completed', 'aborted', 'rolled_back', 'failed', 'interrupted']);
    } finally {
      stop();
    }
    expect(done).toMatchObject({ status: 'rolled_back', finalState: 'rolled_back' });
    expect(done.finalReason).toMatch(/critical error: .*create_indexes.*sabotaged by the test/);
    const executions = await executionsOf(h.core.pool, cutover.id);
    expect(executions[0]!.steps).toEqual([
      ['create_partitions', 'succeeded'],
      ['copy_data', 'succeeded'],
      ['create_indexes', 'failed'],
    ]);
    expect(executions.at(-1)).toMatchObject({ purpose: 'rollback', status: 'succeeded' });
    const state = await tableState();
    expect(state).toMatchObject({ kind: 'r', rows: 20_000, invalid: 0 });
    expect((await h.core.store.runs.latest('demo', 'cp3'))!).toMatchObject({ decision: 'ROLLED BACK' });
    const summary = await h.fake.waitFor(() => h.fake.messages().find((m) => /post-cutover summary/.test(m.text) && m.text.includes(`#${cutover.id}`)));
    expect(blocksText(summary)).toMatch(/ABORT migration|Begin rollback procedure/);
  });
});
