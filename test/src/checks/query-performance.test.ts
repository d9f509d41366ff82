import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeGroup } from '../../../src/checks/execute.js';
import { captureBaseline } from '../../../src/perf/baseline-capture.js';
import { createDemoTestDatabase, type DemoTestDatabase } from '../demo/support.js';
import { loadDemoPlan, memoryBaselines, perfCheck, perfContext, PLAN_DIR } from './perf-support.js';

/**
 * Q1 of the demo plan timed against a baseline captured on a copy of the
 * demo data. "Faster" and "slower" are made real, not simulated: the
 * indexes Q1 uses are dropped for one of the two measurements, which turns
 * its index scans into a sequential scan of the whole table.
 */
const Q1_INDEXES = `
  DROP INDEX public.catalogo_geometrias_geom_gist;
  DROP INDEX public.catalogo_geometrias_created_at_idx;
  DROP INDEX public.catalogo_geometrias_created_at_brin;`;
const Q1_INDEXES_BACK = `
  CREATE INDEX catalogo_geometrias_geom_gist ON public.catalogo_geometrias USING gist (geom);
  CREATE INDEX catalogo_geometrias_created_at_idx ON public.catalogo_geometrias (created_at);
  CREATE INDEX catalogo_geometrias_created_at_brin ON public.catalogo_geometrias USING brin (created_at);
  ANALYZE public.catalogo_geometrias;`;

describe('query_performance check', () => {
  let db: DemoTestDatabase;
  const q1 = (expect = { metric: 'improvement_pct', op: '>=', value: 10 }) =>
    perfCheck('q1_st_contains', 'query_performance', { query: 'Q1', reference: 'baseline', runs: 9, warmup: 2 }, expect);

  beforeAll(async () => {
    db = await createDemoTestDatabase('qperf');
  });
  afterAll(async () => {
    await db?.drop();
  });

  const capture = async () => {
    const baselines = memoryBaselines();
    const result = await captureBaseline({ plan: loadDemoPlan(), planDir: PLAN_DIR, environment: 'staging', targetUrl: db.url, capturedBy: 'U0DBA0001' });
    baselines.put(result.records);
    return { baselines, result };
  };

  it('fails without a baseline and says how to capture one', async () => {
    const check = q1();
    const outcome = (await executeGroup([check], perfContext(db.url, { baselines: memoryBaselines() }))).get(check.id)!;
    expect(outcome.status).toBe('fail');
    expect(outcome.message).toBe('Q1: no baseline for staging: capture one with /golive baseline capture staging');
  });

  it('passes a query faster than its captured baseline, stating the change against the target', async () => {
    await db.client.query(Q1_INDEXES);
    const { baselines, result } = await capture();
    await db.client.query(Q1_INDEXES_BACK);
    // The demo plan asks 20 runs after 3 warm-ups of each query; the baseline has them all.
    expect(result.records.map((r) => [r.queryId, r.samples.length])).toEqual([['Q1', 20], ['Q2', 20], ['Q3', 20]]);
    expect(result.serverVersion).toMatch(/^\d+\.\d+/);

    const check = q1();
    const outcome = (await executeGroup([check], perfContext(db.url, { baselines }))).get(check.id)!;
    expect(outcome.status).toBe('pass');
    expect(outcome.message).toMatch(/^Q1 [\d.]+ ms vs [\d.]+ ms baseline, -\d+(\.\d)? %, target -10 % \(p95 [\d.]+ vs [\d.]+ ms\) over 9 runs on staging$/);
    expect(outcome.observed.improvement_pct as number).toBeGreaterThanOrEqual(10);
    expect(outcome.observed.baseline_ms).toBe(result.records[0]!.medianMs);
    expect(outcome.expected).toEqual([{ text: 'improvement_pct ≥ 10%', met: true, advisory: false }]);

    // Evidence: every run with its own parameters, and one run's EXPLAIN (ANALYZE, BUFFERS).
    const runs = outcome.evidence.runs as Array<{ ms: number; params: Record<string, number> }>;
    expect(runs).toHaveLength(9);
    expect(new Set(runs.map((r) => JSON.stringify(r.params))).size).toBe(9);
    const explain = outcome.evidence.explain_analyze as { plan: string; params: Record<string, number> };
    expect(explain.plan).toMatch(/actual time=.*\n(.*\n)*.*Buffers: shared/);
    expect(explain.params).toEqual(runs[0]!.params);
  });

  it('fails a query slower than its baseline with the figures in the message', async () => {
    const { baselines } = await capture();
    await db.client.query(Q1_INDEXES);
    try {
      const check = q1();
      const outcome = (await executeGroup([check], perfContext(db.url, { baselines }))).get(check.id)!;
      expect(outcome.status).toBe('fail');
      expect(outcome.message).toMatch(/^Q1 [\d.]+ ms vs [\d.]+ ms baseline, \+\d+(\.\d)? %, target -10 % \(p95 /);
      expect(outcome.observed.improvement_pct as number).toBeLessThan(10);
      expect(outcome.expected).toEqual([{ text: 'improvement_pct ≥ 10%', met: false, advisory: false }]);
    } finally {
      await db.client.query(Q1_INDEXES_BACK);
    }
  });

  it('compares with a figure of the plan when told to, improvement still against the baseline', async () => {
    const { baselines } = await capture();
    const check = perfCheck('q1_figure', 'query_performance', { query: 'Q1', reference: 'figure', figure: 'expected_ms', runs: 3, warmup: 1 }, {
      metric: 'deviation_ms',
      op: '<=',
      value: 100,
      unit: 'ms',
    });
    const outcome = (await executeGroup([check], perfContext(db.url, { baselines }))).get(check.id)!;
    // Milliseconds on the demo data against the seed's 2040 ms at production scale.
    expect(outcome.status).toBe('pass');
    expect(outcome.observed.reference_ms).toBe(2040);
    expect(outcome.message).toMatch(/^Q1 [\d.]+ ms vs 2040 ms expected, -\d+ %, [-+±][\d.]+ % vs baseline, target deviation_ms ≤ 100 ms/);
  });
});
