import { describeError } from '../errors.js';
import { loadNamedQuery, type NamedQuery } from '../perf/named-queries.js';
import { timeNamedQuery, type QueryTiming } from '../perf/query-timing.js';
import type { CheckParams } from '../plan/check-types.js';
import { describeComparison, evaluateExpectations, type Expectation } from '../plan/expect.js';
import { allChecks } from '../plan/schema.js';
import { redactUrl } from '../redact.js';
import type { BaselineRecord } from '../store/baselines.js';
import { describeDatabaseError } from './pg-errors.js';
import { openSession } from './pg-session.js';
import { round2 } from './stats.js';
import { defineCheck, type CheckContext, type RawOutcome } from './types.js';

/**
 * A named query timed now (warm-up, then N runs with varied parameters) and
 * compared with a reference: the baseline captured on this environment before
 * the migration, one of the query's figures in the plan, the same query on
 * shadow now, or the measurement the cutover's validation recorded. The
 * message states the change the way the seed does: "Q1 2040 ms vs 2400 ms
 * baseline, -15 %, target -10 %". `improvement_pct` is always against the
 * stored baseline; `deviation_*` against the reference. The check holds
 * itself to its own expectations so a failure keeps those figures in its
 * message.
 */

type Params = CheckParams<'query_performance'>;
type Statistic = Params['statistic'];

interface Reference {
  ms: number;
  /** How the message names it: "baseline", "on shadow", "expected", "after the cutover". */
  label: string;
  p95Ms?: number;
  evidence: Record<string, unknown>;
}

type Found<T> = { value: T } | { outcome: RawOutcome };

export const queryPerformanceCheck = defineCheck({
  type: 'query_performance',
  defaultTimeoutMs: 10 * 60_000,
  async run(params, ctx): Promise<RawOutcome> {
    const target = redactUrl(ctx.targetUrl);
    const stop = (status: RawOutcome['status'], message: string): RawOutcome => ({
      status,
      observed: {},
      evidence: { target, query: params.query, reference: params.reference, environment: ctx.environment },
      message,
    });

    let query: NamedQuery;
    try {
      query = await loadNamedQuery(ctx.plan, ctx.planDir, params.query);
    } catch (err) {
      return stop('error', describeError(err));
    }

    let baseline: BaselineRecord | undefined;
    if (ctx.baselines) {
      try {
        baseline = await ctx.baselines.get(ctx.plan.id, ctx.environment, params.query);
      } catch (err) {
        return stop('error', `could not read the baseline: ${describeError(err)}`);
      }
    } else if (params.reference === 'baseline') {
      return stop('error', 'this golive gave the check no access to stored baselines');
    }
    if (params.reference === 'baseline' && !baseline) {
      return stop('fail', `${params.query}: no baseline for ${ctx.environment}: capture one with /golive baseline capture ${ctx.environment}`);
    }

    const found = await findReference(params, ctx, query, baseline);
    if ('outcome' in found) return found.outcome;
    const ref = found.value;

    let timing: QueryTiming;
    try {
      timing = await timeOn(ctx.targetUrl, ctx, query, params, true);
    } catch (err) {
      return stop('error', `${params.query} could not be timed on ${ctx.environment}: ${describeDatabaseError(err, ctx.targetUrl)}`);
    }

    const ms = statisticOf(timing, params.statistic);
    const baselineMs = baseline ? baselineStatistic(baseline, params.statistic) : null;
    const changePct = ref.ms > 0 ? round2(((ms - ref.ms) / ref.ms) * 100) : null;
    const observed = {
      ms,
      reference_ms: ref.ms,
      baseline_ms: baselineMs,
      improvement_pct: baselineMs ? round2(((baselineMs - ms) / baselineMs) * 100) : null,
      deviation_ms: round2(ms - ref.ms),
      deviation_pct: changePct,
    };

    const expectations = ctx.expectations ?? [];
    const statisticText = params.statistic === 'median' ? '' : ` ${params.statistic}`;
    const vsBaseline = params.reference !== 'baseline' && observed.improvement_pct !== null ? `, ${signed(-observed.improvement_pct)} vs baseline` : '';
    const targetText = expectations.length ? `, target ${expectations.filter((e) => !e.advisory).map(describeTarget).join(', ')}` : '';
    const p95Text = ref.p95Ms !== undefined ? ` (p95 ${fmtMs(timing.p95Ms)} vs ${fmtMs(ref.p95Ms)} ms)` : ` (p95 ${fmtMs(timing.p95Ms)} ms)`;
    const message =
      `${params.query}${statisticText} ${fmtMs(ms)} ms vs ${fmtMs(ref.ms)} ms ${ref.label}, ${signed(changePct)}${vsBaseline}${targetText}` +
      `${p95Text} over ${timing.runs.length} runs on ${ctx.environment}`;
    const evidence = {
      target,
      query: params.query,
      title: query.title,
      environment: ctx.environment,
      statistic: params.statistic,
      warmup: timing.warmup,
      runs: timing.runs,
      median_ms: timing.medianMs,
      p95_ms: timing.p95Ms,
      mean_ms: timing.meanMs,
      min_ms: timing.minMs,
      max_ms: timing.maxMs,
      reference: ref.evidence,
      baseline: baseline ? baselineEvidence(baseline) : null,
      explain_analyze: timing.explain ?? null,
      sql: query.script.text,
    };
    const verdict = expectations.length ? evaluateExpectations([...expectations], observed, 'ms') : undefined;
    return { status: verdict && !verdict.ok ? 'fail' : 'pass', observed, evidence, message };
  },
});

async function findReference(params: Params, ctx: CheckContext, query: NamedQuery, baseline: BaselineRecord | undefined): Promise<Found<Reference>> {
  const stop = (status: RawOutcome['status'], message: string): Found<Reference> => ({
    outcome: { status, observed: {}, evidence: { query: params.query, reference: params.reference, environment: ctx.environment }, message },
  });
  switch (params.reference) {
    case 'baseline':
      return { value: { ms: baselineStatistic(baseline!, params.statistic), label: 'baseline', p95Ms: baseline!.p95Ms, evidence: baselineEvidence(baseline!) } };

    case 'figure': {
      const name = params.figure!;
      const value = ctx.plan.queries[query.id]?.figures[name];
      if (value === undefined) return stop('error', `${params.query} has no figure ${name} in the plan`);
      return { value: { ms: value, label: name.replace(/_ms$/, ''), evidence: { kind: 'figure', figure: name, ms: value } } };
    }

    case 'shadow': {
      // The same query, runs and parameter values on shadow (migrated earlier), timed now.
      const url = ctx.environmentUrl?.('shadow');
      if (!url) return stop('error', 'the plan has no shadow environment with a URL to compare with');
      try {
        const t = await timeOn(url, ctx, query, params, false);
        return { value: { ms: statisticOf(t, params.statistic), label: 'on shadow', p95Ms: t.p95Ms, evidence: { kind: 'shadow', median_ms: t.medianMs, p95_ms: t.p95Ms, runs: t.runs } } };
      } catch (err) {
        return stop('error', `${params.query} could not be timed on shadow: ${describeDatabaseError(err, url)}`);
      }
    }

    case 'post_cutover': {
      // What the cutover's validation measured for this query on this environment.
      const cutover = ctx.plan.checkpoints.find((c) => c.cutover);
      const ids = cutover ? allChecks(cutover).filter((c) => c.type === 'query_performance' && c.params.query === params.query).map((c) => c.id) : [];
      if (!cutover || ids.length === 0) return stop('error', `the plan's cutover checkpoint times no ${params.query}: there is no post-cutover measurement to compare with`);
      if (!ctx.baselines?.latestMeasurement) return stop('error', 'this golive gave the check no access to recorded measurements');
      const recorded = await ctx.baselines.latestMeasurement(ctx.plan.id, cutover.id, ctx.environment, ids).catch(() => undefined);
      if (!recorded) return stop('fail', `${params.query}: no post-cutover measurement on ${ctx.environment} yet: run ${cutover.id}'s validation first`);
      return {
        value: {
          ms: recorded.ms,
          label: 'after the cutover',
          evidence: { kind: 'post_cutover', checkpoint: cutover.id, check: recorded.checkId, run_id: recorded.runId, ms: recorded.ms, recorded_at: recorded.recordedAt.toISOString() },
        },
      };
    }
  }
}

async function timeOn(url: string, ctx: CheckContext, query: NamedQuery, params: Params, explain: boolean): Promise<QueryTiming> {
  const client = await openSession(url, { statementTimeoutMs: ctx.timeoutMs, signal: ctx.signal });
  try {
    await client.query('SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY');
    return await timeNamedQuery(client, query, { runs: params.runs, warmup: params.warmup, explain, signal: ctx.signal });
  } finally {
    await client.end().catch(() => {});
  }
}

function statisticOf(timing: QueryTiming, statistic: Statistic): number {
  switch (statistic) {
    case 'median':
      return timing.medianMs;
    case 'p95':
      return timing.p95Ms;
    case 'mean':
      return timing.meanMs;
    case 'min':
      return timing.minMs;
  }
}

/** The baseline's figure for the check's statistic (mean and min from its samples). */
function baselineStatistic(baseline: BaselineRecord, statistic: Statistic): number {
  const samples = baseline.samples.map((s) => s.ms).sort((a, b) => a - b);
  if (statistic === 'median' || samples.length === 0) return statistic === 'p95' ? baseline.p95Ms : baseline.medianMs;
  if (statistic === 'p95') return baseline.p95Ms;
  if (statistic === 'min') return samples[0]!;
  return round2(samples.reduce((a, b) => a + b, 0) / samples.length);
}

function baselineEvidence(baseline: BaselineRecord): Record<string, unknown> {
  return {
    kind: 'baseline',
    environment: baseline.environment,
    median_ms: baseline.medianMs,
    p95_ms: baseline.p95Ms,
    runs: baseline.samples.length,
    captured_at: baseline.capturedAt.toISOString(),
    captured_by: baseline.capturedBy,
    server_version: baseline.serverVersion,
  };
}

/** An expectation as the change it asks for: improvement_pct >= 10 is "-10 %" (at least 10 % faster). */
function describeTarget(e: Expectation): string {
  if (typeof e.value === 'number' && (e.unit === undefined || e.unit === '%')) {
    if (e.metric === 'improvement_pct' && (e.op === '>=' || e.op === '>')) return signed(-e.value);
    if (e.metric === 'deviation_pct' && (e.op === '<=' || e.op === '<')) return signed(e.value);
  }
  const kind = e.metric === undefined || e.metric === 'ms' || e.metric.endsWith('_ms') ? 'duration' : e.metric.endsWith('_pct') ? 'percent' : undefined;
  return describeComparison(e, kind);
}

function signed(pct: number | null): string {
  if (pct === null) return 'change unknown';
  const rounded = Math.abs(pct) >= 10 ? Math.round(pct) : Math.round(pct * 10) / 10;
  return `${rounded > 0 ? '+' : rounded < 0 ? '-' : '±'}${Math.abs(rounded)} %`;
}

/** Milliseconds as a person reads them: 2040, 12.5, 3.21. */
export function fmtMs(ms: number): string {
  return ms >= 100 ? String(Math.round(ms)) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}
