import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPoster } from '../../../src/app/processes.js';
import { ManualClock } from '../../../src/clock.js';
import { silentLogger } from '../../../src/logger.js';
import { createSampler, type Sampler } from '../../../src/stability/sampler.js';
import { createStabilityJobs } from '../../../jobs/stability.js';
import { startHarness, TEST_BOT_TOKEN, type Harness } from '../../support/harness.js';
import { createDemoTestDatabase, type DemoTestDatabase } from '../demo/support.js';
import { ackText, messageText, PEOPLE, waitForDecision, WINDOW_END, WINDOW_START, writeStabilityPlan, type StabilityPlanFile } from './support.js';

/**
 * Checkpoint 4 judged over its stability window, with the plan's clock moved
 * by hand: 48 hours of samples taken in seconds (a tick every 15 minutes of
 * plan time, real probes and queries on a demo test database), then
 * `/golive cp4 run` through the engine and the gate like any checkpoint.
 * Three plans share the database: `stab` (a clean window, then an incident),
 * `gap` (three hours without samples) and `lat` (queries slowing down).
 */
describe('cp4 over a 48-hour stability window', () => {
  const clock = new ManualClock(WINDOW_START);
  // One tick every 30 minutes of plan time: 96 slots make the 48 hours.
  const Q = 30 * 60_000;
  const SLOTS = (WINDOW_END.getTime() - WINDOW_START.getTime()) / Q;
  const at = (slot: number) => new Date(WINDOW_START.getTime() + slot * Q);
  const plans: StabilityPlanFile[] = [];
  let db: DemoTestDatabase;
  let h: Harness;
  let sampler: Sampler;

  beforeAll(async () => {
    // Q1-Q3 take 1-3 ms on 20,000 rows, where run-to-run noise is as large as the figure: the clean window's bound is loose.
    plans.push(await writeStabilityPlan({ id: 'stab', every: '30m', latencyBoundPct: 100 }));
    plans.push(await writeStabilityPlan({ id: 'gap', every: '30m', latencyBoundPct: 10_000 }));
    plans.push(await writeStabilityPlan({ id: 'lat', every: '30m', latencyBoundPct: 10 }));
    db = await createDemoTestDatabase('stwin');
    h = await startHarness({ planFiles: plans.map((p) => p.file), environments: { production: db.url }, clock });
    sampler = createSampler({ plans: h.core.plans, store: h.core.store, config: h.core.config, clock, logger: silentLogger() });
  }, 180_000);
  afterAll(async () => {
    await sampler?.close();
    await h?.close();
    await db?.drop();
    for (const p of plans) await p.remove();
  });

  const results = async (runId: number) => Object.fromEntries((await h.core.store.runs.results(runId)).map((r) => [r.checkId, r]));
  const run = async (planId: string, userId: string = PEOPLE.dba) => {
    const before = (await h.core.store.runs.latest(planId, 'cp4'))?.id ?? 0;
    const ack = ackText(await h.command(`${planId} cp4 run`, userId));
    expect(ack).toMatch(/started on production/);
    return waitForDecision(h, planId, 'cp4', before);
  };

  it('passes a clean 48-hour window sampled through the sampler (compressed to seconds)', async () => {
    for (let slot = 0; slot < SLOTS; slot++) {
      clock.set(at(slot));
      await sampler.probeTick({ planId: 'stab', windowId: 'stab.cp4.production', at: at(slot) });
      await sampler.metricsTick({ planId: 'stab', windowId: 'stab.cp4.production', at: at(slot) });
    }
    clock.set(new Date(WINDOW_END.getTime() + 3600_000));
    const decided = await run('stab');
    const r = await results(decided.id);
    expect(r.total_uptime).toMatchObject({ status: 'pass', observed: expect.objectContaining({ availability_pct: 100, samples: SLOTS, downtime_ms: 0 }) });
    expect(r.unplanned_downtime!.status).toBe('pass');
    expect(r.latency_stable!.status).toBe('pass');
    expect(r.zero_critical_incidents).toMatchObject({ status: 'pass', observed: { count: 0 } });
    expect(decided).toMatchObject({ status: 'complete', decision: 'ACCEPTED', decisionKind: 'go' });
    expect(r.total_uptime!.message).toMatch(/96 of 96 probes up/);
  }, 240_000);

  it('holds acceptance while a critical incident is open, and accepts once it is resolved', async () => {
    const ack = ackText(await h.command('stab incident sev2 Map tiles time out for 5% of users', PEOPLE.oncall));
    expect(ack).toMatch(/Incident #\d+ recorded \(SEV2, critical\)/);
    const id = Number(/#(\d+)/.exec(ack)![1]);
    const posted = await h.fake.waitFor(() => h.fake.messages().find((m) => m.text.includes(`incident #${id} SEV2`)), { timeoutMs: 20_000, description: 'the incident post' });
    expect(messageText(posted)).toContain('holds CP4 Production stability');

    const held = await run('stab');
    expect(held).toMatchObject({ decision: 'ISSUE RESOLUTION REQUIRED', decisionKind: 'nogo' });
    const r = await results(held.id);
    expect(r.zero_critical_incidents).toMatchObject({ status: 'fail', observed: { count: 1 } });
    expect(r.zero_critical_incidents!.message).toBe('1, target = 0');
    expect(r.zero_critical_incidents!.evidence).toMatchObject({ incidents: [{ id, severity: 'SEV2', resolved_at: null }] });

    // Only the roles the plan allows incident_resolve (the PM is not one of them).
    expect(ackText(await h.command(`stab incident resolve ${id}`, PEOPLE.pm))).toMatch(/Sorry: only .* may `incident_resolve`/);
    expect(ackText(await h.command(`stab incident resolve ${id}`, PEOPLE.dba))).toMatch(new RegExp(`Incident #${id} \\(SEV2\\) resolved`));

    const accepted = await run('stab');
    expect(accepted).toMatchObject({ decision: 'ACCEPTED', decisionKind: 'go' });
  });

  it("runs the checkpoint by itself at the window's end, once", async () => {
    const jobs = createStabilityJobs({ core: h.core, slack: createPoster(h.core, { botToken: TEST_BOT_TOKEN, apiUrl: h.fake.apiUrl }) });
    const row = (await h.core.store.schedules.get('stab-evaluate-stab-cp4-production'))!;
    expect(row).toMatchObject({ jobName: 'evaluate-window', endsAt: WINDOW_END, doneAt: null });
    const context = { job: { id: 'x' } as never, logger: silentLogger() };
    const before = (await h.core.store.runs.latest('stab', 'cp4'))!.id;
    const result = (await jobs['evaluate-window']!(row.data as never, context)) as { started: number };
    expect(result.started).toBeGreaterThan(before);
    const decided = await waitForDecision(h, 'stab', 'cp4', before);
    expect(decided).toMatchObject({ id: result.started, startedBy: 'golive', decision: 'ACCEPTED' });
    // Delivered again (or re-queued after a restart): nothing more.
    expect(await jobs['evaluate-window']!(row.data as never, context)).toEqual({ skipped: 'the window was evaluated already' });
    expect((await h.core.store.runs.latest('stab', 'cp4'))!.id).toBe(result.started);
    const audit = (await h.core.pool.query(`SELECT actor, run_id FROM audit_log WHERE action = 'window.evaluated'`)).rows;
    expect(audit).toEqual([{ actor: 'golive', run_id: String(result.started) }]);
  });

  it('fails availability when samples are missing (three hours without a sample)', async () => {
    for (let slot = 0; slot < SLOTS; slot++) {
      if (slot >= 30 && slot < 36) continue;
      await sampler.probeTick({ planId: 'gap', windowId: 'gap.cp4.production', at: at(slot) });
    }
    const decided = await run('gap');
    const r = await results(decided.id);
    expect(r.total_uptime).toMatchObject({ status: 'fail', observed: expect.objectContaining({ availability_pct: 93.75, samples: SLOTS - 6, errors: 0 }) });
    expect(r.total_uptime!.message).toBe('93.75%, target ≥ 99.95%');
    // Missing, not failed: the evidence says which and when.
    expect(r.total_uptime!.evidence).toMatchObject({ probes: { expected: 96, taken: 90, down: 0, missing: 6, outages: [{ from: at(30).toISOString(), to: at(36).toISOString(), slots: 6, missing: 6 }] } });
    expect(r.unplanned_downtime).toMatchObject({ status: 'fail', observed: expect.objectContaining({ downtime_ms: 6 * Q }) });
    // Unplanned downtime over 1.5 min is a fail trigger: not even conditional.
    expect(decided).toMatchObject({ decision: 'ISSUE RESOLUTION REQUIRED', decisionKind: 'nogo' });
  });

  it('fails performance when the sampled queries slow down over the window', async () => {
    for (let slot = 0; slot < SLOTS; slot++) {
      const base = { windowId: 'lat.cp4.production', planId: 'lat', checkpointId: 'cp4', environment: 'production', slot, at: at(slot), everyMs: Q };
      await h.core.store.samples.record({ ...base, kind: 'database', ok: true, latencyMs: 1 });
      await h.core.store.samples.record({ ...base, kind: 'network', ok: true, latencyMs: 3 });
      // Q1-Q3 at 4 ms for the first day, 6 ms for the second: +50 %.
      const ms = slot < SLOTS / 2 ? 4 : 6;
      await h.core.store.samples.record({ ...base, kind: 'metrics', figures: { queries: { Q1: { ms }, Q2: { ms: ms * 2 }, Q3: { ms: ms / 2 } }, errors: {} } });
    }
    const decided = await run('lat');
    const r = await results(decided.id);
    expect(r.latency_stable).toMatchObject({ status: 'fail', observed: expect.objectContaining({ latency_degradation_pct: 50 }) });
    expect(r.latency_stable!.message).toBe('latency_degradation_pct 50%, target ≤ 10%');
    expect(r.total_uptime!.status).toBe('pass');
    expect(decided).toMatchObject({ decision: 'CONDITIONAL ACCEPTANCE', decisionKind: 'conditional' });
  });
});
