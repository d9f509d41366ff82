import { describe, expect, it } from 'vitest';
import { summarizeMetrics, summarizeProbes } from '../../../src/stability/summarize.js';
import type { SampleRecord } from '../../../src/store/samples.js';

const START = new Date('2026-02-17T17:30:00Z');
const MIN = 60_000;

function probe(slot: number, ok: boolean, latencyMs = 2, everyMs = MIN): SampleRecord {
  return { windowId: 'w', kind: 'database', slot, everyMs, at: new Date(START.getTime() + slot * everyMs), ok, timedOut: false, latencyMs, error: ok ? null : 'down', figures: {} };
}

function metrics(slot: number, q1: number, tps = 10): SampleRecord {
  return {
    windowId: 'w', kind: 'metrics', slot, everyMs: MIN, at: new Date(START.getTime() + slot * MIN), ok: null, timedOut: false, latencyMs: null, error: null,
    figures: { queries: { Q1: { ms: q1, baseline_ms: 10, vs_baseline_pct: ((q1 - 10) / 10) * 100 } }, database: { tps, commits: tps * 60, rollbacks: 0, deadlocks_delta: 0, conflicts_delta: 0 }, errors: {} },
  };
}

const range = (minutes: number) => ({ from: START, to: new Date(START.getTime() + minutes * MIN), everyMs: MIN, anchor: START });

describe('summarizing a window of samples', () => {
  it('counts a full window of answering probes as 100 % available', () => {
    const s = summarizeProbes(Array.from({ length: 120 }, (_, i) => probe(i, true)), range(120));
    expect(s).toMatchObject({ expected: 120, taken: 120, up: 120, down: 0, missing: 0, availabilityPct: 100, downtimeMs: 0, coveragePct: 100, errorRatePct: 0 });
    expect(s.p99Ms).toBe(2);
  });

  it('counts missing slots as down, never as up, and as down time', () => {
    const samples = Array.from({ length: 120 }, (_, i) => probe(i, true)).filter((s) => s.slot < 50 || s.slot >= 53);
    const s = summarizeProbes(samples, range(120));
    expect(s).toMatchObject({ expected: 120, taken: 117, up: 117, missing: 3, down: 0, downtimeMs: 3 * MIN, longestOutageMs: 3 * MIN });
    expect(s.availabilityPct).toBeCloseTo(97.5, 4);
    // Errors are counted among the probes taken: none failed.
    expect(s.errorRatePct).toBe(0);
    expect(s.outages).toEqual([{ from: new Date(START.getTime() + 50 * MIN).toISOString(), to: new Date(START.getTime() + 53 * MIN).toISOString(), slots: 3, missing: 3 }]);
  });

  it('counts failed probes as errors and down time, and a duplicate slot once', () => {
    const samples = [...Array.from({ length: 10 }, (_, i) => probe(i, i !== 4)), probe(4, true)];
    const s = summarizeProbes(samples, range(10));
    expect(s).toMatchObject({ expected: 10, taken: 10, up: 9, down: 1, missing: 0, downtimeMs: MIN, failedPerMillion: 100_000 });
    expect(s.errorRatePct).toBe(10);
  });

  it('reads the worst query degradation and the throughput change, first quarter to last', () => {
    const steady = summarizeMetrics(Array.from({ length: 40 }, (_, i) => metrics(i, 8)));
    expect(steady.latencyDegradationPct).toBe(0);
    expect(steady.throughputDegradationPct).toBe(0);
    expect(steady.queries.Q1).toMatchObject({ count: 40, medianMs: 8, vsBaselinePct: -20 });

    const slower = summarizeMetrics(Array.from({ length: 40 }, (_, i) => metrics(i, i < 20 ? 8 : 12, i < 20 ? 10 : 5)));
    expect(slower.latencyDegradationPct).toBe(50);
    expect(slower.throughputDegradationPct).toBe(50);
    expect(slower.queries.Q1!.degradationPct).toBe(50);
  });
});
