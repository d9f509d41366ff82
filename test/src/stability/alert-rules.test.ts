import { describe, expect, it } from 'vitest';
import { judgeSample, type AlertThresholds } from '../../../src/stability/alert-rules.js';

const T: AlertThresholds = { regressionPct: 5, pruningMinPct: 40, connectionsMaxPct: 90, hostPeaks: { cpu: 85, memory: 90, io: 80, network: 80 }, prometheus: {}, production: true };

describe('alert rules for one sample', () => {
  it('breaks on a failed probe at SEV 1 in production, SEV 3 elsewhere, and clears on an answer', () => {
    const down = judgeSample(T, { kind: 'database', ok: false, error: 'connection refused', latencyMs: 5, figures: {} });
    expect(down).toEqual([expect.objectContaining({ metric: 'probe_database', breached: true, level: 1 })]);
    expect(judgeSample({ ...T, production: false }, { kind: 'database', ok: false, error: 'x', latencyMs: 5, figures: {} })[0]!.level).toBe(3);
    expect(judgeSample(T, { kind: 'network', ok: false, error: 'x', latencyMs: 5, figures: {} })[0]!.level).toBe(2);
    expect(judgeSample(T, { kind: 'database', ok: true, error: null, latencyMs: 1, figures: {} })[0]!.breached).toBe(false);
  });

  it('needs a regression twice in a row, and clears as soon as the query is back within bounds', () => {
    const sample = (pct: number) => ({ kind: 'metrics' as const, ok: null, error: null, latencyMs: null, figures: { queries: { Q2: { ms: 10 + pct / 10, baseline_ms: 10, vs_baseline_pct: pct } }, errors: {} } });
    const prev = (pct: number) => ({ queries: { Q2: { vs_baseline_pct: pct } } });
    expect(judgeSample(T, sample(30), prev(1)).find((v) => v.metric === 'latency_Q2')!.breached).toBeUndefined();
    expect(judgeSample(T, sample(30), prev(20)).find((v) => v.metric === 'latency_Q2')).toMatchObject({ breached: true, level: 2 });
    expect(judgeSample(T, sample(2), prev(30)).find((v) => v.metric === 'latency_Q2')!.breached).toBe(false);
  });

  it('judges pruning, connections, deadlocks and host peaks when measured, and nothing it did not measure', () => {
    const v = judgeSample(T, {
      kind: 'metrics', ok: null, error: null, latencyMs: null,
      figures: { queries: {}, pruning: { queries: 3, pruned: 1, pct: 33.33, partitions: 21 }, connections: { total: 95, max: 100, used_pct: 95 }, database: { deadlocks_delta: 0 }, host: { cpu_pct: 40 }, errors: {} },
    });
    expect(Object.fromEntries(v.map((x) => [x.metric, x.breached]))).toEqual({ pruning: true, connections: true, deadlocks: false, host_cpu: false });
  });
});
