import type { Store } from '../../../src/store/index.js';

/**
 * A stability window of the demo plan's cp4 on production, as workers
 * write it: ten database probes over the last 100 s (the fourth failed) and
 * two metrics samples 30 s apart whose figures the gauges must show.
 */
export const WINDOW = { plan: 'demo', checkpoint: 'cp4', environment: 'production' } as const;

export function metricsFigures(q1Ms: number): Record<string, unknown> {
  return {
    queries: { Q1: { ms: q1Ms, vs_baseline_pct: -20.5 }, Q2: { ms: 30 }, Q3: { error: 'boom' } },
    pruning: { queries: 3, pruned: 2, pct: 66.67, partitions: 4 },
    database: { cache_hit_pct: 99.25, tps: 12.5 },
    connections: { total: 12, active: 3, idle_in_transaction: 0, max: 300, used_pct: 4 },
    locks: { waiting: 1, longest_wait_s: 2.5 },
    partitions: { p2026_01: { seq_scan: 5, idx_scan: 40, indexes: { p2026_01_geom_idx: 30, p2026_01_created_brin: 10 } } },
    host: { cpu_pct: 41.5, memory_pct: 63 },
    errors: {},
  };
}

export async function seedStabilityWindow(store: Store, now = Date.now()): Promise<void> {
  const base = { windowId: 'demo.cp4.production', planId: WINDOW.plan, checkpointId: WINDOW.checkpoint, environment: WINDOW.environment };
  for (let i = 0; i < 10; i++) {
    await store.samples.record({ ...base, kind: 'database', slot: 1000 + i, everyMs: 10_000, at: new Date(now - (10 - i) * 10_000), ok: i !== 3, latencyMs: 2 + i, error: i === 3 ? 'timeout' : null });
  }
  await store.samples.record({ ...base, kind: 'metrics', slot: 1, everyMs: 30_000, at: new Date(now - 60_000), figures: metricsFigures(10) });
  await store.samples.record({ ...base, kind: 'metrics', slot: 2, everyMs: 30_000, at: new Date(now - 30_000), figures: metricsFigures(20) });
}
