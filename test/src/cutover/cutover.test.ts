import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/clock.js';
import type { Harness } from '../../support/harness.js';
import type { DemoTestDatabase } from '../demo/support.js';
import {
  ackText,
  autoConfirmItems,
  blocksText,
  click,
  DBA,
  executionsOf,
  insertIntoStep,
  insertProceed,
  liveMessage,
  openGateBefore,
  PEOPLE,
  startAndConfirm,
  waitForStatus,
  writeCutoverPlan,
  startCutoverBed,
  type CutoverBed,
  type CutoverPlanFiles,
} from './support.js';

/**
 * The production cutover end to end on a demo test database: refused until
 * cp2 passed its gate and the pre-cutover decision is PROCEED; then the DBA's
 * confirmation, the maintenance window, the application team's confirmations,
 * the steps through the step runner with the live message, a threshold
 * crossed (the manual clock moves while a step runs) and answered, the
 * validation, the post-cutover summary, and the cp3 run the sign-offs bind to.
 */
describe('cp3 cutover: a full cutover that succeeds', () => {
  let plan: CutoverPlanFiles;
  let prod: DemoTestDatabase;
  let staging: DemoTestDatabase;
  let h: Harness;
  let bed: CutoverBed;
  const clock = new ManualClock('2026-02-17T15:00:00Z');

  beforeAll(async () => {
    // create_indexes holds for 3 s: long enough to move the clock past a threshold mid-step.
    plan = await writeCutoverPlan({ partitioning: (sql) => insertIntoStep(sql, 'create_indexes', 'SELECT pg_sleep(3);') });
    bed = await startCutoverBed(plan, 'co', clock);
    ({ h, prod, staging } = bed);
  });
  afterAll(() => bed?.close());

  it('refuses to start before cp2 passed its gate, and without a pre-cutover PROCEED', async () => {
    expect(ackText(await h.command('cp3 start', PEOPLE.app_lead!))).toMatch(/may `start` at cp3/);
    const noGate = ackText(await h.command('cp3 start', DBA));
    expect(noGate).toMatch(/Not started: CP2 has no run yet/);
    await openGateBefore(h.core.pool, h.core.plans.require('demo'));
    const noProceed = ackText(await h.command('cp3 start', DBA));
    expect(noProceed).toMatch(/no pre-cutover evaluation yet/);
    expect(noProceed).not.toMatch(/CP2/);
    const refused = (await h.core.pool.query(`SELECT details FROM audit_log WHERE action = 'cutover.refused' ORDER BY id`)).rows;
    expect(refused).toHaveLength(2);
    expect(await h.core.store.cutovers.latest('demo', ['cutover'])).toBeUndefined();
  });

  it('runs the whole cutover: window, confirmations, steps, a threshold answered, validation, summary, the cp3 run', async () => {
    await insertProceed(h.core.pool);
    const cutover = await startAndConfirm(h);
    expect(cutover.environment).toBe('production');
    const stop = autoConfirmItems(h, cutover.id);
    try {
      // While create_indexes sleeps: a second start is refused, and 151 s pass on the plan's clock.
      await h.fake.waitFor(async () => (await h.core.store.cutovers.get(cutover.id))?.currentStep === 'create_indexes', { timeoutMs: 60_000, description: 'create_indexes running' });
      expect(ackText(await h.command('cp3 start', DBA))).toMatch(/Not started: cutover #\d+ on production is running/);
      clock.advance(151_000);
      const assess = await h.fake.waitFor(() => h.fake.messages().find((m) => /Assess if recoverable/.test(m.text) && /into the migration/.test(m.text)), { timeoutMs: 10_000, description: 'the assess threshold post' });
      expect(blocksText(assess)).toContain('create_indexes');
      expect(await click(h, PEOPLE.app_lead!, assess, 'cutover-threshold-continue')).toMatch(/may `start`/);
      expect(await click(h, DBA, assess, 'cutover-threshold-continue')).toMatch(/continues/);

      const done = await waitForStatus(h, cutover.id, ['completed', 'aborted', 'rolled_back', 'failed', 'interrupted']);
      expect(done).toMatchObject({ status: 'completed', finalState: 'completed' });
    } finally {
      stop();
    }

    // The target: migrated, through the runner, every step recorded.
    expect((await prod.client.query(`SELECT relkind::text AS k FROM pg_class WHERE oid = 'public.catalogo_geometrias'::regclass`)).rows[0].k).toBe('p');
    const executions = await executionsOf(h.core.pool, cutover.id);
    expect(executions.map((e) => [e.purpose, e.status])).toEqual([
      ['cutover', 'succeeded'],
      ['cutover', 'succeeded'],
    ]);
    expect(executions[0]!.steps.map((s) => s[0])).toEqual(['create_partitions', 'copy_data', 'create_indexes', 'swap_tables', 'reindex_analyze']);

    // Each threshold at most once, as the DB records it.
    const thresholds = (await h.core.pool.query(`SELECT action, decision, decided_by FROM cutover_thresholds WHERE cutover_id = $1`, [cutover.id])).rows;
    expect(thresholds).toEqual([{ action: 'assess', decision: 'continue', decided_by: DBA }]);
    expect(h.fake.messages().filter((m) => /Assess if recoverable/.test(m.text) && /into the migration/.test(m.text))).toHaveLength(1);

    // The channel: the maintenance window announced, the live message's last picture, the summary.
    expect(h.fake.messages().some((m) => /Alert: Maintenance window active/.test(m.text))).toBe(true);
    const live = (await liveMessage(h, cutover.id))!;
    expect(blocksText(live)).toMatch(/COMPLETE/);
    expect(blocksText(live)).toMatch(/reindex_analyze/);
    const summary = await h.fake.waitFor(() => h.fake.messages().find((m) => /post-cutover summary/.test(m.text)));
    const text = blocksText(summary);
    expect(text).toMatch(/COMPLETE/);
    expect(text).toMatch(/Downtime/);
    expect(text).toMatch(/Applications: Graceful shutdown initiated/);
    expect(text).toMatch(/create_partitions/);
    expect(text).toMatch(/budget 1m/);
    expect(text).toMatch(/Next: CP4/);

    // The cp3 run the sign-offs bind to: COMPLETE, with an evidence digest over the step log and validation.
    const run = (await h.core.store.runs.latest('demo', 'cp3'))!;
    expect(run).toMatchObject({ status: 'complete', decision: 'COMPLETE', decisionKind: 'go' });
    expect(run.evidenceDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(run.decisionDetail).toMatchObject({ phase: 'validation', outcome: 'complete', cutover: 'completed', cutover_id: cutover.id });
    const results = await h.core.store.runs.results(run.id);
    expect(results.map((r) => [r.checkId, r.status]).sort()).toEqual(
      [
        ['app_connectivity', 'pass'],
        ['val_brin', 'pass'],
        ['val_checksum', 'pass'],
        ['val_constraints', 'pass'],
        ['val_foreign_keys', 'pass'],
        ['val_gist', 'pass'],
        ['val_row_count', 'pass'],
        ['val_search_views', 'pass'],
      ].sort(),
    );
    // The sign-off card works on it unchanged.
    const ack = ackText(await h.command('cp3 signoff', PEOPLE.pm!));
    expect(ack).toMatch(/Posted the sign-off card/);
    const status = ackText(await h.command('cp3 status', DBA));
    expect(status).not.toMatch(/INCOMPLETE/);
  });
});
