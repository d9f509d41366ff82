import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/clock.js';
import { precheckJobId } from '../../../src/cutover/schedule.js';
import type { Harness } from '../../support/harness.js';
import type { DemoTestDatabase } from '../demo/support.js';
import { ackText, blocksText, click, DBA, PEOPLE, writeCutoverPlan, startCutoverBed, type CutoverBed, type CutoverPlanFiles } from './support.js';

type Doc = Record<string, any>;

/**
 * The pre-cutover timeline, with the plan's slots moved to +1 s, +2 s and
 * +3 s from the plan's start so the real scheduler can be watched: each slot
 * posts its checklist and runs its automated checks (the DBA's blockers
 * before DDL among them) into one cp3 run of the pre-cutover phase; a manual
 * item waits for the named role; at the decision point golive decides. An
 * item not attested there is a DELAY (+24 h, the next window scheduled);
 * attested afterwards, the run is decided again: PROCEED. `/golive cp3 run`
 * evaluates the same checks on demand.
 */
describe('cp3 pre-cutover timeline and decision', () => {
  let plan: CutoverPlanFiles;
  let prod: DemoTestDatabase;
  let h: Harness;
  let bed: CutoverBed;
  const clock = new ManualClock('2026-02-17T08:00:00Z');

  beforeAll(async () => {
    plan = await writeCutoverPlan({
      mutate: (doc: Doc) => {
        const cp3 = (doc.checkpoints as Doc[]).find((c) => c.id === 'cp3')!;
        // The DBA's blockers before DDL exactly as plans/demo.yaml ships them.
        const blockers = (cp3.criteria as Doc[]).find((c) => c.id === 'ddl_blockers');
        if (!blockers) throw new Error('plans/demo.yaml has no ddl_blockers criterion');
        cp3.criteria = [
          ...(cp3.criteria as Doc[]).filter((c) => c.phase !== 'pre_cutover'),
          blockers,
          {
            id: 'team',
            title: 'Team and files',
            source: 'Team and files',
            phase: 'pre_cutover',
            checks: [
              { id: 'app_team_standby', title: 'Application team on standby', source: 'Application team: Standby', type: 'manual', attest_by: ['app_lead'] },
              { id: 'migration_checksums', title: 'Migration SQL files: checksums', source: 'Migration SQL files: Checksums verified', type: 'file_checksum', params: { files: ['partitioning', 'auto_partitions', 'rollback'] } },
            ],
          },
        ];
        cp3.pre_cutover.slots = [
          { start: '+1s', end: '+2s', title: 'Blockers before DDL', source: 'Blockers before DDL', criteria: ['ddl_blockers'] },
          { start: '+2s', end: '+3s', title: 'Team mobilization', source: '07:00-08:00 | Team mobilization', criteria: ['team'] },
          { start: '+3s', end: '+4s', title: 'Final decision point', source: '12:00-13:00 | Final decision point', lines: ['IF system healthy: Proceed to cutover', 'IF issues detected: Delay cutover 24 hours'] },
        ];
      },
    });
    bed = await startCutoverBed(plan, 'copre', clock);
    ({ h, prod } = bed);
  });
  afterAll(() => bed?.close());

  it('posts each slot, runs its checks, decides DELAY at the decision point while an item is not attested, then PROCEED once it is', async () => {
    const decision = await h.fake.waitFor(() => h.fake.messages().find((m) => /final decision point/.test(m.text)), { timeoutMs: 60_000, description: 'the decision point' });
    const blockers = h.fake.messages().find((m) => /pre-cutover · Blockers before DDL/.test(m.text))!;
    const text = blocksText(blockers);
    for (const title of ['No long-running transactions', 'No prepared transactions', 'Replication lag', 'No inactive replication slots', 'No invalid indexes', 'Free disk for the copy plus WAL', 'Schema drift production vs staging']) {
      expect(text).toContain(title);
    }
    expect(text).toMatch(/no schema drift between production and staging/);
    expect(text).toMatch(/needed \(public\.catalogo_geometrias .* × 2 for the copy and its WAL\)/);

    // Not attested at the decision point: DELAY, with the reason, and the next day's window.
    expect(blocksText(decision)).toMatch(/DELAY \(not complete\)/);
    expect(blocksText(decision)).toMatch(/not attested: Application team on standby/);
    expect(blocksText(decision)).toMatch(/production cutover: \+1d/);
    const run = (await h.core.store.runs.latest('demo', 'cp3'))!;
    expect(run).toMatchObject({ status: 'complete', decisionKind: 'incomplete' });
    const results = await h.core.store.runs.results(run.id);
    expect(results.filter((r) => r.status === 'pass').map((r) => r.checkId).sort()).toEqual(
      ['disk_for_copy', 'invalid_indexes', 'long_transactions', 'migration_checksums', 'prepared_transactions', 'replication_lag', 'replication_slots', 'schema_drift'].sort(),
    );
    const windows = (await h.core.pool.query(`SELECT shift_ms, decided_at IS NOT NULL AS decided FROM precutover_windows ORDER BY shift_ms`)).rows;
    expect(windows).toEqual([
      { shift_ms: '0', decided: true },
      { shift_ms: String(24 * 3_600_000), decided: false },
    ]);
    const next = await h.core.queues.get('checks').getJob(precheckJobId('demo', 'cp3', 24 * 3_600_000, 0));
    expect(next, "the next window's first slot is scheduled").toBeDefined();
    expect(next!.delay).toBeGreaterThan(23 * 3_600_000);
    expect(ackText(await h.command('cp3 start', DBA))).toMatch(/decided INCOMPLETE, not PROCEED/);

    // The application lead attests on the slot's checklist: the run is decided again, PROCEED.
    const team = h.fake.messages().find((m) => /pre-cutover · Team mobilization/.test(m.text))!;
    expect(await click(h, PEOPLE.infra!, team, 'precutover-attest-app_team_standby')).toMatch(/only Application Team Lead may attest/);
    expect(await click(h, PEOPLE.app_lead!, team, 'precutover-attest-app_team_standby')).toMatch(/Recorded/);
    expect((await h.core.store.runs.get(run.id))!).toMatchObject({ decision: 'PROCEED', decisionKind: 'go' });
    await h.fake.waitFor(() => /PROCEED/.test(blocksText(h.fake.messages().find((m) => m.ts === decision.ts)!)), { description: 'the decision redrawn' });
    expect(ackText(await h.command('cp3 start', DBA))).not.toMatch(/not PROCEED/);
  });

  it('evaluates the pre-cutover checks on demand with /golive cp3 run', async () => {
    expect(ackText(await h.command('cp3 run', PEOPLE.pm!))).toMatch(/may `run`/);
    const ack = ackText(await h.command('cp3 run', DBA));
    expect(ack).toMatch(/Pre-cutover checks of cp3 queued on production: 9 checks/);
    const all = await h.fake.waitFor(() => h.fake.messages().find((m) => /pre-cutover checks · run #2/.test(m.text)), { timeoutMs: 60_000, description: 'the on-demand checklist' });
    expect(blocksText(all)).toMatch(/Blockers before DDL/);
    expect(blocksText(all)).toMatch(/Team mobilization/);
    expect(blocksText(all)).toMatch(/precutover-attest-app_team_standby/);
    const run = (await h.core.store.runs.latest('demo', 'cp3'))!;
    expect(run).toMatchObject({ number: 2, status: 'complete', decision: 'INCOMPLETE' });
    expect(run.decisionDetail).toMatchObject({ phase: 'pre_cutover' });
    // Only the pre-cutover phase ran: no validation check was measured before the migration.
    expect((await h.core.store.runs.results(run.id)).map((r) => r.checkId)).not.toContain('val_row_count');
  });

  it('a blocker on production (an invalid index left by a failed CREATE INDEX CONCURRENTLY) decides DELAY, naming it', async () => {
    await prod.client.query(`CREATE TABLE public.dup_codes (code int)`);
    await prod.client.query(`INSERT INTO public.dup_codes VALUES (1), (1)`);
    await expect(prod.client.query(`CREATE UNIQUE INDEX CONCURRENTLY dup_codes_code ON public.dup_codes (code)`)).rejects.toThrow(/could not create unique index/);
    try {
      expect(ackText(await h.command('cp3 run', DBA))).toMatch(/queued on production/);
      const run = await h.fake.waitFor(
        async () => {
          const r = await h.core.store.runs.latest('demo', 'cp3');
          return r && r.number === 3 && r.status === 'complete' ? r : undefined;
        },
        { timeoutMs: 60_000, description: 'run #3 decided' },
      );
      const results = await h.core.store.runs.results(run.id);
      expect(results.find((r) => r.checkId === 'invalid_indexes')).toMatchObject({ status: 'fail' });
      // schema_drift sees the table staging does not have.
      expect(results.find((r) => r.checkId === 'schema_drift')?.message).toMatch(/public\.dup_codes: only on production/);
      expect(run.decisionKind).not.toBe('go');
      const card = await h.fake.waitFor(() => h.fake.messages().find((m) => /pre-cutover checks · run #3/.test(m.text) && /DELAY/.test(blocksText(m))), { timeoutMs: 30_000, description: 'the DELAY on run #3' });
      expect(blocksText(card)).toMatch(/No invalid indexes/);
    } finally {
      await prod.client.query(`DROP TABLE public.dup_codes`);
    }
  });
});
