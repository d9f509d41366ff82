import { formatDuration, parseDuration } from '../plan/duration.js';
import type { CheckParams } from '../plan/check-types.js';
import { findCheckpoint } from '../plan/schema.js';
import { formatLocal, resolveMoment } from '../plan/time.js';
import { describeError } from '../errors.js';
import { redactUrl } from '../redact.js';
import { applicationTarget, createProbePools, probe, probeTimeoutMs } from '../stability/probes.js';
import { quarterChange, summarizeMetrics, summarizeProbes, type MetricsSummary, type ProbeSummary } from '../stability/summarize.js';
import { stabilityWindowsOf } from '../stability/windows.js';
import type { SampleRecord } from '../store/samples.js';
import { round2, sleep } from './stats.js';
import { defineCheck, type CheckContext, type Figures, type RawOutcome } from './types.js';

/**
 * Availability, errors and latency over a window (cp2's "STABILITY CHECK -
 * 24 HOURS RUNNING", cp4's availability, error and throughput lines):
 *
 *   source samples  the samples the worker stored during the stability
 *                   window (src/stability/): `window: monitoring` is the
 *                   checkpoint's monitoring period up to now, a duration the
 *                   last stretch of that length
 *   source inline   probes taken by the check itself, every `sample_every`
 *                   for `window` (the demo's one-minute windows)
 *
 * A slot without a sample counts as down; fewer samples than
 * `min_coverage_pct` of the window fail the check as unmeasured. The
 * figures are the type's metrics; the plan's expectations judge them.
 */

type Params = CheckParams<'stability'>;

export const stabilityCheck = defineCheck({
  type: 'stability',
  defaultTimeoutMs: 5 * 60_000,
  async run(params, ctx): Promise<RawOutcome> {
    try {
      return params.source === 'inline' ? await inline(params, ctx) : await sampled(params, ctx);
    } catch (err) {
      return { status: 'error', observed: {}, evidence: { source: params.source, probe: params.probe }, message: describeError(err) };
    }
  },
});

async function sampled(params: Params, ctx: CheckContext): Promise<RawOutcome> {
  const reader = ctx.stability;
  const base = { source: 'samples', probe: params.probe, window: params.window, environment: ctx.environment };
  if (!reader) return { status: 'error', observed: {}, evidence: base, message: 'this golive gave the check no access to stored stability samples' };
  const moments = reader.momentContext(ctx.plan.id);
  const now = ctx.clock.now();

  let from: Date;
  let to: Date;
  let label: string;
  if (params.window === 'monitoring') {
    const cp = findCheckpoint(ctx.plan, ctx.checkpointId);
    const period = cp?.monitoring?.period ?? ctx.plan.checkpoints.find((c) => c.monitoring && c.environment === ctx.environment)?.monitoring?.period;
    if (!period) {
      return { status: 'error', observed: {}, evidence: base, message: `window: monitoring needs a monitoring period, and ${ctx.checkpointId} has none: give the check a duration (e.g. 24h)` };
    }
    from = resolveMoment(period.start, moments);
    const end = resolveMoment(period.end, moments);
    to = now < end ? now : end;
    label = `the monitoring period (${formatLocal(from, ctx.plan.time_zone, false)} → ${formatLocal(end, ctx.plan.time_zone, true)})`;
  } else {
    to = now;
    from = new Date(now.getTime() - parseDuration(params.window));
    label = `the last ${params.window}`;
  }

  const windows = stabilityWindowsOf(ctx.plan, moments).filter((w) => w.environment === ctx.environment);
  const window =
    windows.find((w) => w.checkpointId === ctx.checkpointId && w.start < to && w.end > from) ?? windows.find((w) => w.start < to && w.end > from) ?? windows[0];
  const everyMs = window?.probeEveryMs ?? parseDuration(params.sample_every);
  const anchor = window?.start ?? from;
  // A tick of the last interval may still be on its way: it is not counted yet.
  const settle = everyMs + probeTimeoutMs(everyMs);
  const settledTo = new Date(Math.min(to.getTime(), now.getTime() - settle));
  if (settledTo <= from) {
    return {
      status: 'fail',
      observed: { samples: 0 },
      evidence: { ...base, from: from.toISOString(), to: to.toISOString() },
      message: `nothing measured yet: ${label} has not started (or is younger than one sample)`,
    };
  }

  const rows = await reader.samples({ planId: ctx.plan.id, environment: ctx.environment, kinds: [params.probe, 'metrics'], from, to: settledTo });
  const probes = summarizeProbes(rows.filter((r) => r.kind === params.probe), { from, to: settledTo, everyMs, anchor });
  const metrics = summarizeMetrics(rows.filter((r) => r.kind === 'metrics'));
  const observed = figuresOf(probes, metrics, params.probe === 'database' ? xactsDegradation(rows.filter((r) => r.kind === 'database')) : null);
  const evidence = {
    ...base,
    window_id: window?.id ?? null,
    from: from.toISOString(),
    to: settledTo.toISOString(),
    every_ms: everyMs,
    probes: probeEvidence(probes),
    metrics: metricsEvidence(metrics),
  };
  return verdict(params, probes, observed, evidence, label, everyMs);
}

async function inline(params: Params, ctx: CheckContext): Promise<RawOutcome> {
  if (params.window === 'monitoring') {
    return { status: 'error', observed: {}, evidence: { source: 'inline' }, message: 'an inline stability check needs a duration window (e.g. 1m), not monitoring' };
  }
  const windowMs = parseDuration(params.window);
  const everyMs = parseDuration(params.sample_every);
  const timeoutMs = probeTimeoutMs(everyMs);
  const http =
    params.probe === 'application'
      ? applicationTarget(ctx.plan, params.endpoint, { selfBaseUrl: ctx.selfBaseUrl, readVariable: (n) => ctx.readVariable(n) })
      : undefined;
  if (params.probe === 'application' && !http) {
    return { status: 'error', observed: {}, evidence: { source: 'inline', endpoint: params.endpoint ?? null }, message: `endpoint ${params.endpoint ?? '?'} cannot be reached from this worker (unknown endpoint, or a path on golive's own server whose address is not known)` };
  }
  const pools = createProbePools();
  const anchor = ctx.clock.now();
  const startedAt = performance.now();
  const samples: SampleRecord[] = [];
  try {
    for (let slot = 0; slot * everyMs < windowMs; slot++) {
      await sleep(Math.max(0, startedAt + slot * everyMs - performance.now()), ctx.signal);
      if (ctx.signal.aborted) break;
      const r = await probe({ kind: params.probe, databaseUrl: ctx.targetUrl, http, query: params.query, timeoutMs }, pools);
      samples.push({
        windowId: 'inline',
        kind: params.probe,
        slot,
        everyMs,
        at: new Date(anchor.getTime() + slot * everyMs),
        ok: r.ok,
        timedOut: r.timedOut,
        latencyMs: r.latencyMs,
        error: r.error,
        figures: r.figures,
      });
    }
  } finally {
    await pools.close();
  }
  const to = new Date(anchor.getTime() + windowMs);
  const probes = summarizeProbes(samples, { from: anchor, to, everyMs, anchor });
  const observed = figuresOf(probes, undefined, params.probe === 'database' ? xactsDegradation(samples) : null);
  const evidence = {
    source: 'inline',
    probe: params.probe,
    window: params.window,
    every_ms: everyMs,
    environment: ctx.environment,
    target: params.probe === 'application' ? redactUrl(http!.url) : redactUrl(ctx.targetUrl),
    probes: probeEvidence(probes),
    errors: [...new Set(samples.filter((s) => !s.ok).map((s) => s.error ?? 'failed'))].slice(0, 5),
  };
  return verdict(params, probes, observed, evidence, `${params.window} sampled every ${params.sample_every}`, everyMs);
}

function figuresOf(p: ProbeSummary, m: MetricsSummary | undefined, probeThroughput: number | null): Figures {
  const useMetrics = m !== undefined && m.samples > 0;
  return {
    samples: p.taken,
    availability_pct: p.availabilityPct,
    downtime_ms: p.downtimeMs,
    errors: p.down,
    error_rate_pct: p.errorRatePct,
    timeouts: p.timeouts,
    timeouts_per_million: p.timeoutsPerMillion,
    failed_per_million: p.failedPerMillion,
    p50_ms: p.p50Ms,
    p95_ms: p.p95Ms,
    p99_ms: p.p99Ms,
    // Q1-Q3 sampled each minute when there are metrics samples; the probe's own latency otherwise.
    latency_degradation_pct: (useMetrics ? m.latencyDegradationPct : null) ?? p.latencyDegradationPct,
    throughput_degradation_pct: (useMetrics ? m.throughputDegradationPct : null) ?? probeThroughput,
  };
}

function verdict(params: Params, p: ProbeSummary, observed: Figures, evidence: Record<string, unknown>, label: string, everyMs: number): RawOutcome {
  const coverage = p.coveragePct ?? 0;
  const summary =
    `${params.probe} availability ${p.availabilityPct ?? '?'} % over ${label}: ${p.up} of ${p.expected} probes up` +
    (p.down ? `, ${p.down} failed` : '') +
    (p.missing ? `, ${p.missing} missing` : '') +
    ` (${formatDuration(p.downtimeMs)} down at ${formatDuration(everyMs)} resolution)` +
    (p.p99Ms !== null ? `, p99 ${p.p99Ms} ms` : '') +
    (observed.latency_degradation_pct !== null ? `, latency ${signed(observed.latency_degradation_pct as number)} first to last quarter` : '');
  if (p.expected === 0 || coverage < params.min_coverage_pct) {
    return {
      status: 'fail',
      observed,
      evidence,
      message: `unmeasured: ${p.taken} of ${p.expected} samples (${round2(coverage)} %), the check needs ${params.min_coverage_pct} %. ${summary}`,
    };
  }
  return { status: 'pass', observed, evidence, message: summary };
}

/** Throughput drop from the database probe's transaction counter (first quarter of the window to the last). */
function xactsDegradation(samples: readonly SampleRecord[]): number | null {
  const points = samples
    .filter((s) => s.ok && typeof s.figures.xacts === 'number')
    .map((s) => ({ t: s.at.getTime(), x: s.figures.xacts as number }))
    .sort((a, b) => a.t - b.t);
  const rates: number[] = [];
  for (let i = 1; i < points.length; i++) {
    const dt = (points[i]!.t - points[i - 1]!.t) / 1000;
    const dx = points[i]!.x - points[i - 1]!.x;
    if (dt > 0 && dx >= 0) rates.push(dx / dt);
  }
  const change = quarterChange(rates);
  return change === null ? null : round2(-change);
}

function probeEvidence(p: ProbeSummary): Record<string, unknown> {
  return {
    expected: p.expected,
    taken: p.taken,
    up: p.up,
    down: p.down,
    missing: p.missing,
    timeouts: p.timeouts,
    coverage_pct: p.coveragePct,
    longest_outage_ms: p.longestOutageMs,
    outages: p.outages,
  };
}

function metricsEvidence(m: MetricsSummary): Record<string, unknown> {
  return {
    samples: m.samples,
    queries: m.queries,
    commits: m.commits,
    rollbacks: m.rollbacks,
    deadlocks: m.deadlocks,
    conflicts: m.conflicts,
    cache_hit_pct: m.cacheHitPct,
    connections_peak: m.connectionsPeak,
    lock_waits_peak: m.lockWaitsPeak,
    pruning: m.pruning,
    host: m.host,
    ...(Object.keys(m.errors).length ? { unreadable: m.errors } : {}),
  };
}

function signed(n: number): string {
  return `${n > 0 ? '+' : ''}${Math.round(n * 10) / 10} %`;
}
