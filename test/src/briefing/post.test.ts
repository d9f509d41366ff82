import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPoster } from '../../../src/app/processes.js';
import { signoffStateReader } from '../../../src/briefing/facts.js';
import { createBriefings, type Briefings } from '../../../src/briefing/post.js';
import { ManualClock } from '../../../src/clock.js';
import { silentLogger } from '../../../src/logger.js';
import { signoffDepsOf } from '../../../src/signoff/deps.js';
import { checkBlocks } from '../../../src/slack/fake/block-limits.js';
import { scheduledChannel } from '../../../src/stability/channel.js';
import { startHarness, TEST_BOT_TOKEN, type Harness } from '../../support/harness.js';
import { createTestStateDb, type TestStateDb } from '../../support/state-db.js';
import { messageText, PEOPLE, WINDOW_START, writeStabilityPlan, type StabilityPlanFile } from '../stability/support.js';

/**
 * The 09:00 briefing of 18/02 ("24-hour analysis") from stored samples:
 * uptime, errors, performance against the captured baseline, trends,
 * incidents and alerts, open sign-offs, what comes next. Posted once per
 * day however many ticks claim it at once.
 */
describe('the daily briefing', () => {
  const NINE_ON_18 = new Date('2026-02-18T12:00:00Z');
  const clock = new ManualClock(NINE_ON_18);
  const Q = 15 * 60_000;
  let plan: StabilityPlanFile;
  let target: TestStateDb;
  let h: Harness;
  let briefings: Briefings;

  beforeAll(async () => {
    plan = await writeStabilityPlan();
    target = await createTestStateDb('brieftarget');
    h = await startHarness({ planFiles: [plan.file], environments: { production: target.url }, clock, worker: false });
    const slack = createPoster(h.core, { botToken: TEST_BOT_TOKEN, apiUrl: h.fake.apiUrl });
    briefings = createBriefings({
      plans: h.core.plans,
      store: h.core.store,
      clock,
      logger: silentLogger(),
      slack,
      channelFor: (planId) => scheduledChannel({ channel: h.core.config.channel, pool: h.core.pool }, planId),
      signoffState: signoffStateReader(signoffDepsOf(h.core, slack)),
    });

    // 18.5 hours of samples: one failed database probe; Q1-Q3 faster than their baselines.
    const slots = (NINE_ON_18.getTime() - WINDOW_START.getTime()) / Q;
    for (let slot = 0; slot < slots; slot++) {
      const base = { windowId: 'stab.cp4.production', planId: 'stab', checkpointId: 'cp4', environment: 'production', slot, at: new Date(WINDOW_START.getTime() + slot * Q), everyMs: Q };
      await h.core.store.samples.record({ ...base, kind: 'database', ok: slot !== 10, latencyMs: 1.2, error: slot === 10 ? 'connection refused' : null });
      await h.core.store.samples.record({ ...base, kind: 'network', ok: true, latencyMs: 4 });
      await h.core.store.samples.record({
        ...base,
        kind: 'metrics',
        figures: {
          queries: { Q1: { ms: 8, baseline_ms: 10, vs_baseline_pct: -20 }, Q2: { ms: 17, baseline_ms: 20, vs_baseline_pct: -15 }, Q3: { ms: 5, baseline_ms: 5, vs_baseline_pct: 0 } },
          database: { commits: 600, rollbacks: 2, deadlocks_delta: 0, conflicts_delta: 0, cache_hit_pct: 99.5, tps: 10 },
          connections: { total: 40, max: 100, used_pct: 40 },
          locks: { waiting: 0, longest_wait_s: 0 },
          pruning: { queries: 3, pruned: 3, pct: 100, partitions: 21 },
          errors: {},
        },
      });
    }
    await h.core.store.baselines.save(
      [
        { planId: 'stab', environment: 'production', queryId: 'Q1', medianMs: 10, p95Ms: 12, samples: [], serverVersion: '15', capturedBy: PEOPLE.dba },
        { planId: 'stab', environment: 'production', queryId: 'Q2', medianMs: 20, p95Ms: 22, samples: [], serverVersion: '15', capturedBy: PEOPLE.dba },
        { planId: 'stab', environment: 'production', queryId: 'Q3', medianMs: 5, p95Ms: 6, samples: [], serverVersion: '15', capturedBy: PEOPLE.dba },
      ],
      { replace: false, capturedAt: new Date('2026-02-16T12:00:00Z') },
    );
    await h.core.store.incidents.open({ planId: 'stab', severity: 'SEV3', text: 'Slow map tiles in one region', openedBy: PEOPLE.oncall, requestKey: 'k1', levels: 2, roles: ['dba', 'infra'], now: new Date('2026-02-18T03:00:00Z') });
    await h.core.store.alerts.open({ planId: 'stab', environment: 'production', metric: 'connections', severity: 'SEV2', detail: '95 of 100', value: 95, now: new Date('2026-02-18T11:00:00Z') });
  });
  afterAll(async () => {
    await h?.close();
    await target?.drop();
    await plan?.remove();
  });

  it('posts the day the 09:00 tick stands for, once, however many ticks claim it together', async () => {
    const results = await Promise.all([
      briefings.scheduled({ planId: 'stab', checkpointId: 'cp4', fireAt: NINE_ON_18, claimant: 'repeat:briefing-stab-cp4-090000:a' }),
      briefings.scheduled({ planId: 'stab', checkpointId: 'cp4', fireAt: NINE_ON_18, claimant: 'repeat:briefing-stab-cp4-090000:b' }),
    ]);
    expect(results.filter((r) => 'posted' in r)).toHaveLength(1);
    expect(results.filter((r) => 'skipped' in r)).toEqual([{ skipped: 'the briefing of 2026-02-18 is already posted (or being posted)' }]);
    // A later delivery of the tick: nothing.
    expect(await briefings.scheduled({ planId: 'stab', checkpointId: 'cp4', fireAt: NINE_ON_18, claimant: 'repeat:briefing-stab-cp4-090000:c' })).toMatchObject({ skipped: expect.any(String) });
    const posted = h.fake.messages().filter((m) => /Daily briefing/.test(m.text));
    expect(posted).toHaveLength(1);
    expect(checkBlocks(posted[0]!.blocks, { surface: 'message', fallbackText: posted[0]!.text })).toEqual([]);
    const row = await h.core.store.briefings.get('stab', '2026-02-18');
    expect(row).toMatchObject({ title: '24-hour analysis', postedAt: NINE_ON_18, ts: posted[0]!.ts });
  });

  it('says uptime, errors, performance against the baseline, trends, incidents, open sign-offs and what is next', () => {
    const text = messageText(h.fake.messages().find((m) => /Daily briefing/.test(m.text))!);
    expect(text).toContain('STAB · Daily briefing · 24-hour analysis');
    // 73 settled slots of 15 minutes since 14:30 the day before (the tick of 08:45 may still be on its way), one database probe failed.
    expect(text).toMatch(/Database: \*98\.6301 %\* · 15m down \(1 failed, 0 missing of 73\)/);
    expect(text).toMatch(/Network \(new connections\): \*100 %\*/);
    expect(text).toMatch(/1 failed probe, 0 timeouts · database: 146 rollbacks of 43946 transactions, 0 deadlocks/);
    expect(text).toMatch(/Q1 ST_Contains: median 8\.00 ms \(73 samples\) · baseline 10\.0 ms, 20 % faster/);
    expect(text).toMatch(/Q3 ST_DWithin: median 5\.00 ms \(73 samples\) · baseline 5\.00 ms, same as before/);
    expect(text).toMatch(/cache hit 99\.5 %/);
    expect(text).toMatch(/partition pruning 100 % of sampled queries/);
    expect(text).toMatch(/1 in the period \(1 SEV3\) · 1 open · alerts: 1 in the period, 1 open/);
    expect(text).toMatch(/🟠 #\d+ SEV3 open since Wed 18\/02\/2026 00:00: Slow map tiles in one region/);
    expect(text).toMatch(/CP4 Production stability: no run yet/);
    expect(text).toMatch(/Thu 19\/02\/2026 09:00 · Next briefing: 48-hour decision checkpoint/);
    expect(text).toMatch(/Thu 19\/02\/2026 14:30 · CP4 Production stability: decision/);
  });

  it('posts nothing for a time the plan does not list', async () => {
    expect(await briefings.scheduled({ planId: 'stab', checkpointId: 'cp4', fireAt: new Date('2026-02-18T09:00:00Z'), claimant: 'x' })).toEqual({ skipped: 'the plan lists no briefing at this time' });
  });
});
