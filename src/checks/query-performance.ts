import { describeError } from '../errors.js';
import { loadNamedQuery, type NamedQuery } from '../perf/named-queries.js';
import { timeNamedQuery, type QueryTiming } from '../perf/query-timing.js';
import { describeComparison, evaluateExpectations, type Expectation } from '../plan/expect.js';
import type { CheckParams } from '../plan/check-types.js';
import { redactUrl } from '../redact.js';
import type { BaselineRecord } from '../store/baselines.js';
import { describeDatabaseError } from './pg-errors.js';
import { openSession } from './pg-session.js';
import { round2 } from './stats.js';
import { defineCheck, type CheckContext, type RawOutcome } from './types.js';

/**
 * A named query timed now (warm-up, then N runs with varied parameters)
 * against a reference: the baseline captured on this environment before the
 * migration, or one of the query's figures in the plan. The message states
 * the change the way the seed does: "Q1 2040 ms vs 2400 ms baseline, -15 %,
 * target -10 %". The check holds itself to its expectations so that a
 * failure keeps those figures in its message.
 */

type Params = CheckParams<'query_performance'>;

interface Reference {
  kind: 'baseline' | 'figure' | 'shadow';
  ms: number;
  /** "baseline" or the figure's name, as the message says it. */
  label: string;
  p95Ms?: number;
  evidence: Record<string, unknown>;
}

export const queryPerformanceCheck = defineCheck({
  type: 'query_performance',
  defaultTimeoutMs: 10 * 60_000,
  async run(params, ctx): Promise<RawOutcome> {
    const target = redactUrl(ctx.targetUrl);
    let query: NamedQuery;
    try {
      query = await loadNamedQuery(ctx.plan, ctx.planDir, params.query);
    } catch (err) {
      return { status: 'error', observed: {}, evidence: { query: params.query }, message: describeError(err) };
    }
    const reference = await findReference(params, ctx, query);
    if ('outcome' in reference) return reference.outcome;

    let timing: QueryTiming;
    try {
      const client = await openSession(ctx.targetUrl, { statementTimeoutMs: ctx.timeoutMs, signal: ctx.signal });
      try {
        await client.query('SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY');
        timing = await timeNamedQuery(client, query, { runs: params.runs, warmup: params.warmup, explain: true, signal: ctx.signal });
      } finally {
        await client.end().catch(() => {});
      }
    } catch (err) {
      const reason = describeDatabaseError(err, ctx.targetUrl);
      return { status: 'error', observed: {}, evidence: { target, query: params.query }, message: `${params.query} could not be timed on ${ctx.environment}: ${reason}` };
    }

    const ms = statisticOf(timing, params.statistic);
    const ref = reference.value;
    const changePct = ref.ms > 0 ? round2(((ms - ref.ms) / ref.ms) * 100) : null;
    const observed = {
      ms,
      reference_ms: ref.ms,
      baseline_ms: ref.kind === 'baseline' ? ref.ms : null,
      improvement_pct: changePct === null ? null : round2(-changePct),
      deviation_ms: round2(ms - ref.ms),
      deviation_pct: changePct,
    };
    const expectations = ctx.expectations ?? [];
    const targetText = expectations.length ? `, target ${expectations.map(describeTarget).join(', ')}` : '';
    const p95Text = ref.p95Ms !== undefined ? ` (p95 ${fmtMs(timing.p95Ms)} vs ${fmtMs(ref.p95Ms)} ms)` : ` (p95 ${fmtMs(timing.p95Ms)} ms)`;
    const statisticText = params.statistic === 'median' ? '' : ` ${params.statistic}`;
    const message =
      `${params.query}${statisticText} ${fmtMs(ms)} ms vs ${fmtMs(ref.ms)} ms ${ref.label}, ${signed(changePct)}${targetText}` +
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
      explain_analyze: timing.explain ?? null,
      sql: query.script.text,
    };
    const verdict = expectations.length ? evaluateExpectations([...expectations], observed, 'ms') : undefined;
    return { status: verdict && !verdict.ok ? 'fail' : 'pass', observed, evidence, message };
  },
});

async function findReference(params: Params, ctx: CheckContext, query: NamedQuery): Promise<{ value: Reference } | { outcome: RawOutcome }> {
  const none = (status: RawOutcome['status'], message: string): { outcome: RawOutcome } => ({
    outcome: { status, observed: {}, evidence: { query: params.query, reference: params.reference, environment: ctx.environment }, message },
  });
  if (params.reference === 'baseline') {
    if (!ctx.baselines) return none('error', 'this golive gave the check no access to stored baselines');
    let baseline: BaselineRecord | undefined;
    try {
      baseline = await ctx.baselines.get(ctx.plan.id, ctx.environment, params.query);
    } catch (err) {
      return none('error', `could not read the baseline: ${describeError(err)}`);
    }
    if (!baseline) {
      return none('fail', `${params.query}: no baseline for ${ctx.environment}: capture one with /golive baseline capture ${ctx.environment}`);
    }
    const samples = baseline.samples.map((s) => s.ms).sort((a, b) => a - b);
    const ms =
      params.statistic === 'median' ? baseline.medianMs
      : params.statistic === 'p95' ? baseline.p95Ms
      : params.statistic === 'min' ? (samples[0] ?? baseline.medianMs)
      : samples.length ? round2(samples.reduce((a, b) => a + b, 0) / samples.length) : baseline.medianMs;
    return {
      value: {
        kind: 'baseline',
        ms,
        label: 'baseline',
        p95Ms: baseline.p95Ms,
        evidence: {
          kind: 'baseline',
          environment: baseline.environment,
          median_ms: baseline.medianMs,
          p95_ms: baseline.p95Ms,
          runs: baseline.samples.length,
          captured_at: baseline.capturedAt.toISOString(),
          captured_by: baseline.capturedBy,
          server_version: baseline.serverVersion,
        },
      },
    };
  }
  if (params.reference === 'figure') {
    const name = params.figure!;
    const value = ctx.plan.queries[query.id]?.figures[name];
    if (value === undefined) return none('error', `${params.query} has no figure ${name} in the plan`);
    return { value: { kind: 'figure', ms: value, label: name.replace(/_ms$/, ''), evidence: { kind: 'figure', figure: name, ms: value } } };
  }
  if (params.reference === 'shadow') {
    // The same query, runs and parameter values on shadow (migrated earlier), timed now.
    const url = ctx.environmentUrl?.('shadow');
    if (!url) return none('error', 'the plan has no shadow environment with a URL to compare with');
    try {
      const client = await openSession(url, { statementTimeoutMs: ctx.timeoutMs, signal: ctx.signal });
      try {
        await client.query('SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY');
        const t = await timeNamedQuery(client, query, { runs: params.runs, warmup: params.warmup, signal: ctx.signal });
        return {
          value: { kind: 'shadow', ms: statisticOf(t, params.statistic), label: 'on shadow', p95Ms: t.p95Ms, evidence: { kind: 'shadow', median_ms: t.medianMs, p95_ms: t.p95Ms, runs: t.runs } },
        };
      } finally {
        await client.end().catch(() => {});
      }
    } catch (err) {
      return none('error', `${params.query} could not be timed on shadow: ${describeDatabaseError(err, url)}`);
    }
  }
  return none('skipped', `reference ${params.reference} is not implemented yet: use baseline, figure or shadow`);
}

function statisticOf(timing: QueryTiming, statistic: Params['statistic']): number {
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

/** An expectation as the change it asks for: improvement_pct >= 10 is "-10 %" (at least 10 % faster). */
function describeTarget(e: Expectation): string {
  if (typeof e.value === 'number' && (e.unit === undefined || e.unit === '%')) {
    if (e.metric === 'improvement_pct' && (e.op === '>=' || e.op === '>')) return signed(-e.value);
    if (e.metric === 'deviation_pct' && (e.op === '<=' || e.op === '<')) return signed(e.value);
  }
  return describeComparison(e, e.metric === undefined || e.metric.endsWith('_ms') || e.metric === 'ms' ? 'duration' : e.metric.endsWith('_pct') ? 'percent' : undefined);
}

function signed(pct: number | null): string {
  if (pct === null) return 'change unknown';
  const rounded = Math.abs(pct) >= 10 ? Math.round(pct) : Math.round(pct * 10) / 10;
  return `${rounded > 0 ? '+' : rounded < 0 ? '-' : '±'}${Math.abs(rounded)} %`;
}

export function fmtMs(ms: number): string {
  return ms >= 100 ? String(Math.round(ms)) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}
