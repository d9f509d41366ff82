import { percentile, round2 } from '../checks/stats.js';
import type { SampleRecord } from '../store/samples.js';
import type { MetricsFigures } from './metrics-sample.js';

/**
 * Figures of a stretch of a stability window, from its samples: what the
 * `stability` check judges and the briefing reports. Pure.
 *
 * Availability counts slots, not rows: over [from, to) the sampler owed one
 * probe per interval; a slot with no sample is missing and counts as down
 * (never as up), and down time is the down and missing slots times the
 * interval. Error rates count the probes that were taken.
 */

export interface ProbeRange {
  from: Date;
  to: Date;
  everyMs: number;
  /** Slots are counted from here (the window's start). */
  anchor: Date;
}

export interface ProbeSummary {
  expected: number;
  taken: number;
  up: number;
  down: number;
  missing: number;
  timeouts: number;
  coveragePct: number | null;
  availabilityPct: number | null;
  downtimeMs: number;
  errorRatePct: number | null;
  timeoutsPerMillion: number | null;
  failedPerMillion: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  /** Latency of the last quarter against the first (percent; positive is slower). */
  latencyDegradationPct: number | null;
  /** The longest run of down or missing slots. */
  longestOutageMs: number;
  /** Up to five stretches of down or missing slots, for the evidence. */
  outages: { from: string; to: string; slots: number; missing: number }[];
}

/** Slots of [from, to) counted from the anchor (slot k starts at anchor + k·every). */
export function slotRange(range: ProbeRange): { first: number; end: number } {
  const first = Math.ceil((range.from.getTime() - range.anchor.getTime()) / range.everyMs);
  const end = Math.ceil((range.to.getTime() - range.anchor.getTime()) / range.everyMs);
  return { first: Math.max(0, first), end: Math.max(0, end) };
}

export function summarizeProbes(samples: readonly SampleRecord[], range: ProbeRange): ProbeSummary {
  const { first, end } = slotRange(range);
  const bySlot = new Map<number, SampleRecord>();
  for (const s of samples) {
    const slot = Math.floor((s.at.getTime() - range.anchor.getTime()) / range.everyMs);
    if (slot < first || slot >= end) continue;
    const seen = bySlot.get(slot);
    // Two samples in one slot (overlapping windows): a failure wins, it is the one to explain.
    if (!seen || (seen.ok && !s.ok)) bySlot.set(slot, s);
  }
  const expected = Math.max(0, end - first);
  const taken = [...bySlot.values()];
  const up = taken.filter((s) => s.ok === true).length;
  const down = taken.length - up;
  const missing = Math.max(0, expected - taken.length);
  const timeouts = taken.filter((s) => s.timedOut).length;
  const latencies = taken.filter((s) => s.ok && s.latencyMs !== null).map((s) => s.latencyMs!);
  const sorted = [...latencies].sort((a, b) => a - b);
  const pct = (n: number) => (sorted.length ? round2(percentile(sorted, n)) : null);

  const outages: ProbeSummary['outages'] = [];
  let longest = 0;
  let runStart: number | undefined;
  let runMissing = 0;
  const close = (slotEnd: number) => {
    if (runStart === undefined) return;
    const slots = slotEnd - runStart;
    longest = Math.max(longest, slots);
    if (outages.length < 5) {
      outages.push({ from: slotTime(range, runStart).toISOString(), to: slotTime(range, slotEnd).toISOString(), slots, missing: runMissing });
    }
    runStart = undefined;
    runMissing = 0;
  };
  for (let slot = first; slot < end; slot++) {
    const s = bySlot.get(slot);
    if (s?.ok === true) {
      close(slot);
      continue;
    }
    runStart ??= slot;
    if (!s) runMissing++;
  }
  close(end);

  return {
    expected,
    taken: taken.length,
    up,
    down,
    missing,
    timeouts,
    coveragePct: expected ? round4((taken.length / expected) * 100) : null,
    availabilityPct: expected ? round4((up / expected) * 100) : null,
    downtimeMs: (down + missing) * range.everyMs,
    errorRatePct: taken.length ? round4((down / taken.length) * 100) : null,
    timeoutsPerMillion: taken.length ? round2((timeouts / taken.length) * 1e6) : null,
    failedPerMillion: taken.length ? round2((down / taken.length) * 1e6) : null,
    p50Ms: pct(50),
    p95Ms: pct(95),
    p99Ms: pct(99),
    latencyDegradationPct: quarterChange(taken.filter((s) => s.ok && s.latencyMs !== null).map((s) => s.latencyMs!)),
    longestOutageMs: longest * range.everyMs,
    outages,
  };
}

function slotTime(range: ProbeRange, slot: number): Date {
  return new Date(range.anchor.getTime() + slot * range.everyMs);
}

export interface QueryTrend {
  count: number;
  medianMs: number | null;
  p99Ms: number | null;
  /** Median of the samples' change against their baseline run (percent; positive is slower). */
  vsBaselinePct: number | null;
  firstQuarterMs: number | null;
  lastQuarterMs: number | null;
  degradationPct: number | null;
}

export interface MetricsSummary {
  samples: number;
  queries: Record<string, QueryTrend>;
  /** The worst query's degradation, first quarter to last. */
  latencyDegradationPct: number | null;
  /** Drop of transactions per second from the first quarter to the last (percent; negative is a rise). */
  throughputDegradationPct: number | null;
  commits: number;
  rollbacks: number;
  deadlocks: number;
  conflicts: number;
  cacheHitPct: number | null;
  connectionsAvg: number | null;
  connectionsPeak: number | null;
  connectionsMax: number | null;
  lockWaitsPeak: number | null;
  longestLockWaitS: number | null;
  pruning: { queries: number; pruned: number; pct: number | null };
  host: Record<string, { avg: number | null; peak: number | null }>;
  /** Sections that could not be read, with how many samples each. */
  errors: Record<string, number>;
}

export function summarizeMetrics(samples: readonly SampleRecord[]): MetricsSummary {
  const figures = samples.filter((s) => s.kind === 'metrics').map((s) => s.figures as unknown as MetricsFigures);
  const queries: Record<string, QueryTrend> = {};
  const ids = [...new Set(figures.flatMap((f) => Object.keys(f.queries ?? {})))].sort();
  for (const id of ids) {
    const series = figures.map((f) => f.queries?.[id]?.ms).filter((v): v is number => typeof v === 'number');
    const vs = figures.map((f) => f.queries?.[id]?.vs_baseline_pct).filter((v): v is number => typeof v === 'number');
    const sorted = [...series].sort((a, b) => a - b);
    const q = quarters(series);
    queries[id] = {
      count: series.length,
      medianMs: sorted.length ? round2(percentile(sorted, 50)) : null,
      p99Ms: sorted.length ? round2(percentile(sorted, 99)) : null,
      vsBaselinePct: vs.length ? round2(medianOf(vs)!) : null,
      firstQuarterMs: q ? round2(medianOf(q.first)!) : null,
      lastQuarterMs: q ? round2(medianOf(q.last)!) : null,
      degradationPct: quarterChange(series),
    };
  }
  const degradations = Object.values(queries).map((q) => q.degradationPct).filter((v): v is number => v !== null);

  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const sum = (pick: (f: MetricsFigures) => unknown) => figures.reduce((s, f) => s + (num(pick(f)) ?? 0), 0);
  const tps = figures.map((f) => num(f.database?.tps)).filter((v): v is number => v !== null);
  const tq = quarters(tps);
  const firstTps = tq ? mean(tq.first) : null;
  const lastTps = tq ? mean(tq.last) : null;
  const hits = figures.map((f) => num(f.database?.cache_hit_pct)).filter((v): v is number => v !== null);
  const conns = figures.map((f) => num(f.connections?.total)).filter((v): v is number => v !== null);
  const waits = figures.map((f) => num(f.locks?.waiting)).filter((v): v is number => v !== null);
  const longestWait = figures.map((f) => num(f.locks?.longest_wait_s)).filter((v): v is number => v !== null);
  let explained = 0;
  let pruned = 0;
  for (const f of figures) {
    if (!f.pruning) continue;
    explained += f.pruning.queries;
    pruned += f.pruning.pruned;
  }
  const host: MetricsSummary['host'] = {};
  for (const name of ['cpu_pct', 'memory_pct', 'io_pct', 'network_pct']) {
    const values = figures.map((f) => num(f.host?.[name])).filter((v): v is number => v !== null);
    if (values.length) host[name] = { avg: round2(mean(values)!), peak: Math.max(...values) };
  }
  const errors: Record<string, number> = {};
  for (const f of figures) for (const key of Object.keys(f.errors ?? {})) errors[key] = (errors[key] ?? 0) + 1;

  return {
    samples: figures.length,
    queries,
    latencyDegradationPct: degradations.length ? Math.max(...degradations) : null,
    throughputDegradationPct: firstTps === null || lastTps === null ? null : firstTps > 0 ? round2(((firstTps - lastTps) / firstTps) * 100) : lastTps > 0 ? round2(-100) : 0,
    commits: sum((f) => f.database?.commits),
    rollbacks: sum((f) => f.database?.rollbacks),
    deadlocks: sum((f) => f.database?.deadlocks_delta),
    conflicts: sum((f) => f.database?.conflicts_delta),
    cacheHitPct: hits.length ? round2(mean(hits)!) : null,
    connectionsAvg: conns.length ? round2(mean(conns)!) : null,
    connectionsPeak: conns.length ? Math.max(...conns) : null,
    connectionsMax: figures.map((f) => num(f.connections?.max)).find((v) => v !== null) ?? null,
    lockWaitsPeak: waits.length ? Math.max(...waits) : null,
    longestLockWaitS: longestWait.length ? Math.max(...longestWait) : null,
    pruning: { queries: explained, pruned, pct: explained ? round2((pruned / explained) * 100) : null },
    host,
    errors,
  };
}

/** Change of the median from the first quarter of a series to its last (needs 8 values). */
export function quarterChange(series: readonly number[]): number | null {
  const q = quarters(series);
  if (!q) return null;
  const a = medianOf(q.first)!;
  const b = medianOf(q.last)!;
  if (a <= 0) return b > 0 ? null : 0;
  return round2(((b - a) / a) * 100);
}

function quarters<T>(series: readonly T[]): { first: T[]; last: T[] } | undefined {
  if (series.length < 8) return undefined;
  const n = Math.floor(series.length / 4);
  return { first: series.slice(0, n), last: series.slice(series.length - n) };
}

function medianOf(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function mean(values: readonly number[]): number | null {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
}

function round4(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}
