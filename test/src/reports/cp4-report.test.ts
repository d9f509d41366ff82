import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReportJob } from '../../../src/reports/job.js';
import { stabilityWindowsOf } from '../../../src/stability/windows.js';
import type { RunRecord } from '../../../src/store/runs.js';
import { startHarness, type Harness } from '../../support/harness.js';
import { metricsFigures } from '../observability/support.js';
import { DBA } from './support.js';

/**
 * `cp4 report` builds golive's two extras: the seed's daily report over the
 * monitoring window's samples, and the final deployment report (plan
 * acceptance). The job is called directly with a request time inside the
 * demo window, so the samples fall in the period it reports.
 */
describe('cp4 documents: daily report and final deployment report', () => {
  let h: Harness;
  let run: RunRecord;
  let requestedAt: Date;
  const file = (suffix: string) => h.fake.files.find((f) => f.filename.endsWith(suffix) && f.completedAt)?.bytes?.toString('utf8') ?? '';

  beforeAll(async () => {
    h = await startHarness({ worker: false });
    const plan = h.core.plans.require('demo');
    const window = stabilityWindowsOf(plan, h.core.plans.momentContext('demo')).find((w) => w.checkpointId === 'cp4')!;
    const start = window.start.getTime();
    requestedAt = new Date(start + 10 * 60_000);
    const store = h.core.store;
    const base = { windowId: window.id, planId: 'demo', checkpointId: 'cp4', environment: window.environment };
    for (let i = 0; i < 58; i++) {
      await store.samples.record({ ...base, kind: 'database', slot: i, everyMs: window.probeEveryMs, at: new Date(start + i * window.probeEveryMs), ok: i !== 7, latencyMs: 3 });
    }
    for (let i = 0; i < 18; i++) {
      await store.samples.record({ ...base, kind: 'metrics', slot: i, everyMs: 30_000, at: new Date(start + i * 30_000), figures: metricsFigures(10 + i) });
    }
    await store.baselines.save([{ planId: 'demo', environment: window.environment, queryId: 'Q1', medianMs: 25, p95Ms: 30, samples: [], serverVersion: '15', capturedBy: DBA }], { replace: true, capturedAt: new Date(start - 3_600_000) });
    await store.incidents.open({ planId: 'demo', severity: 'SEV3', text: 'map tiles slow for 3 minutes', openedBy: DBA, requestKey: 'cp4-inc', levels: 1, roles: ['dba'], now: new Date(start + 5 * 60_000) });
    await store.pool.query(
      `INSERT INTO cutovers (plan_id, checkpoint_id, environment, kind, status, started_by, created_at, started_at, finished_at, final_state, downtime_ms)
       VALUES ('demo', 'cp3', 'production', 'cutover', 'completed', $1, $2, $2, $3, 'completed', 540000)`,
      [DBA, new Date(start - 30 * 60_000), new Date(start - 5 * 60_000)],
    );
    const created = await store.runs.create({ planId: 'demo', checkpointId: 'cp4', environment: 'production', startedBy: 'golive', now: requestedAt });
    run = await store.runs.finish(created.run.id, { status: 'complete', decision: 'ACCEPTED', decisionKind: 'go', decisionDetail: { phase: 'main', outcome: 'accepted', failed_criteria: [] }, evidenceDigest: randomBytes(32).toString('hex'), now: requestedAt });

    await runReportJob(
      { plans: h.core.plans, store, slack: { client: h.core.slackClient } as never, clock: h.core.clock, logger: h.core.logger },
      { planId: 'demo', checkpointId: 'cp4', runId: run.id, target: { channelId: h.fake.identity.channel.id, userId: DBA }, requestKey: 'cp4-report', requestedAt: requestedAt.toISOString() },
    );
  });
  afterAll(async () => {
    await h?.close();
  });

  it('uploads both, and the gate of cp4 needs neither (the plan lists no cp4 documents)', async () => {
    const records = await h.core.store.reports.forRun(run.id);
    expect(records.map((r) => r.documentId).sort()).toEqual(['daily_report', 'final_deployment_report']);
  });

  it('writes the daily report from the window’s samples', () => {
    const md = file('-daily_report.md');
    expect(md).toContain('## Uptime percentage');
    // 58 probes taken of 59 owed, one of them down: a missing slot counts as down.
    expect(md).toContain('| database | 96.61 % | 20 s | 10 s | 58 / 59 |');
    expect(md).toContain('| Cache hit ratio | 99.25 % | — |');
    expect(md).toContain('| Connections | 12 | 12 of 300 |');
    // Q1 over the 18 samples (10..27 ms) against its 25 ms baseline.
    expect(md).toContain('| Q1 ST_Contains | 25 ms | 18 ms | 27 ms | -20.5 % |');
    expect(md).toContain('map tiles slow for 3 minutes');
    expect(md).toContain('Up to 1 sessions waited on locks (longest 2.5 s)');
    expect(md).toContain('## A person must add:');
    expect(h.fake.files.some((f) => f.filename.endsWith('-daily_report.png'))).toBe(true);
  });

  it('writes the final deployment report with the cutover and the acceptance actions', () => {
    const md = file('-final_deployment_report.md');
    expect(md).toContain('Downtime: 9 min 0 s');
    expect(md).toMatch(/\| CP4 Production stability \| #1 \(complete\) \| ACCEPTED \|/);
    expect(md).toContain('- [ ] Generate final deployment report');
  });
});
