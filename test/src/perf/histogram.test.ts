import { describe, expect, it } from 'vitest';
import { bucketOf, LatencyHistogram } from '../../../src/perf/histogram.js';
import { seededRandom } from '../../../src/perf/random.js';

/** Exact nearest-rank percentile, the reference the histogram is held to. */
function exact(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1]!;
}

describe('LatencyHistogram', () => {
  it('reports P50/P95/P99 within 1 % of the exact values over every request', () => {
    const random = seededRandom(7);
    // A long-tailed mix: most requests a few ms, some hundreds, a few seconds.
    const values = Array.from({ length: 50_000 }, () => {
      const r = random();
      return r < 0.9 ? 1 + random() * 9 : r < 0.99 ? 50 + random() * 400 : 1000 + random() * 3000;
    });
    const h = new LatencyHistogram();
    for (const v of values) h.recordMs(v);
    expect(h.count).toBe(values.length);
    for (const p of [50, 95, 99, 99.9]) {
      const want = exact(values, p);
      expect(Math.abs(h.percentileMs(p)! - want) / want).toBeLessThan(0.01);
    }
    const s = h.summary();
    expect(s.min_ms).toBeCloseTo(Math.min(...values), 2);
    expect(s.max_ms).toBeCloseTo(Math.max(...values), 2);
  });

  it('is exact below 128 µs and never reports beyond the largest value seen', () => {
    const h = new LatencyHistogram();
    [0.05, 0.1, 0.12].forEach((v) => h.recordMs(v));
    expect(h.percentileMs(50)).toBe(0.1);
    expect(h.percentileMs(100)).toBe(0.12);
    const one = new LatencyHistogram();
    one.recordMs(1234.5);
    expect(one.percentileMs(99)).toBe(1234.5);
  });

  it('keeps buckets ordered and bounded for any value', () => {
    let previous = -1;
    for (let us = 0; us < 2_000_000; us += 997) {
      const b = bucketOf(us);
      expect(b).toBeGreaterThanOrEqual(previous);
      previous = b;
    }
    expect(bucketOf(10 * 3600 * 1e6)).toBeLessThan(2000);
  });

  it('adds histograms and answers null when empty', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    expect(a.percentileMs(95)).toBeNull();
    a.recordMs(1);
    b.recordMs(3);
    a.add(b);
    expect(a.count).toBe(2);
    expect(a.summary().max_ms).toBe(3);
  });

  it('exports its buckets for a report: every request counted once, each value inside its bucket, bins ordered and disjoint', () => {
    const h = new LatencyHistogram();
    const values: number[] = [];
    let seed = 7;
    const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    for (let i = 0; i < 20_000; i++) values.push(0.01 + random() ** 3 * 2_000); // 10 µs .. 2 s, skewed low
    for (const v of values) h.recordMs(v);
    const buckets = h.buckets();
    expect(buckets.reduce((n, b) => n + b.count, 0)).toBe(values.length);
    for (let i = 1; i < buckets.length; i++) expect(buckets[i]!.from_ms).toBeGreaterThanOrEqual(buckets[i - 1]!.to_ms);
    // Each value lands in the bin that covers it (values rounded to the microsecond, as recorded).
    for (const v of values.slice(0, 500)) {
      const ms = Math.round(v * 1000) / 1000;
      const bin = buckets.find((b) => ms >= b.from_ms && ms < b.to_ms);
      expect(bin, `${ms} ms`).toBeDefined();
    }
    // Above 128 µs a bin is at most 1/8 of its lower bound wide (merged by 8 of 64 per power of two).
    for (const b of buckets.filter((x) => x.from_ms >= 0.128)) expect(b.to_ms - b.from_ms).toBeLessThanOrEqual(b.from_ms / 8 + 1e-9);
    expect(buckets.length).toBeLessThan(200);
    expect(new LatencyHistogram().buckets()).toEqual([]);
  });
});
