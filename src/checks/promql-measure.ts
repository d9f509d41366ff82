import { formatDuration } from '../plan/duration.js';
import type { PrometheusClient, PromSeries } from './prometheus-client.js';
import {
  AGGREGATE_TEXT,
  chooseStepS,
  promqlDuration,
  rateIntervalFor,
  reduceSeries,
  renderQuery,
  round,
  seriesEvidence,
  type Aggregate,
} from './promql.js';

/**
 * One PromQL template measured end to end: placeholders filled in, instant
 * or range query, the answer reduced to one figure, and the evidence a DBA
 * reads (query, time range, values, how they were reduced). Shared by the
 * `prometheus` and `host_resources` checks and the stability sampler.
 */

export interface PromqlSpec {
  template: string;
  /** A range query over [now - rangeMs, now]; undefined: an instant query at now. */
  rangeMs?: number | undefined;
  aggregate: Aggregate;
  /** Figure for an answer with no series (no firing alerts = 0). */
  emptyAs?: number | undefined;
  instance?: string | undefined;
  environment: string;
  now: Date;
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
}

export type PromqlMeasurement =
  | { ok: true; value: number; series: PromSeries[]; evidence: Record<string, unknown>; summary: string }
  | { ok: false; reason: string; evidence: Record<string, unknown> };

export async function measurePromql(client: PrometheusClient, spec: PromqlSpec): Promise<PromqlMeasurement> {
  const stepS = spec.rangeMs !== undefined ? chooseStepS(spec.rangeMs) : undefined;
  const rateIntervalS = rateIntervalFor(stepS);
  const rendered = renderQuery(spec.template, { instance: spec.instance, rateIntervalS, environment: spec.environment });
  const evidence: Record<string, unknown> = {
    prometheus: client.shownUrl,
    query: 'query' in rendered ? rendered.query : spec.template,
    ...('query' in rendered && rendered.query !== spec.template ? { query_template: spec.template } : {}),
    ...(spec.instance !== undefined ? { instance: spec.instance } : {}),
  };
  if ('problem' in rendered) return { ok: false, reason: rendered.problem, evidence };

  let answer;
  if (spec.rangeMs !== undefined && stepS !== undefined) {
    const start = new Date(spec.now.getTime() - spec.rangeMs);
    evidence.time_range = { start: start.toISOString(), end: spec.now.toISOString(), step_s: stepS, rate_interval: promqlDuration(rateIntervalS) };
    answer = await client.range(rendered.query, { start, end: spec.now, stepS }, { signal: spec.signal, timeoutMs: spec.timeoutMs });
  } else {
    evidence.time_range = { at: spec.now.toISOString(), rate_interval: promqlDuration(rateIntervalS) };
    answer = await client.instant(rendered.query, spec.now, { signal: spec.signal, timeoutMs: spec.timeoutMs });
  }
  if (!answer.ok) return { ok: false, reason: answer.reason, evidence: { ...evidence, error: answer.reason, error_kind: answer.kind } };

  Object.assign(evidence, seriesEvidence(answer.series));
  if (answer.warnings.length) evidence.warnings = answer.warnings;
  const reduced = reduceSeries(answer.series, spec.aggregate);
  if (reduced.kind === 'problem') return { ok: false, reason: reduced.problem, evidence };
  if (reduced.dropped > 0) evidence.dropped_non_finite = reduced.dropped;
  const over = spec.rangeMs !== undefined ? ` over the last ${formatDuration(spec.rangeMs)}` : '';
  if (reduced.kind === 'empty') {
    if (spec.emptyAs === undefined) {
      const hint = spec.instance !== undefined ? ` (is instance "${spec.instance}" scraped, and are the metric names right?)` : '';
      return { ok: false, reason: `the query returned no data${over}${hint}`, evidence };
    }
    evidence.reduction = `no series${over}: counted as ${spec.emptyAs} (empty_as)`;
    return { ok: true, value: spec.emptyAs, series: answer.series, evidence, summary: `no series, counted as ${spec.emptyAs}` };
  }
  const seriesCount = answer.series.filter((s) => s.points.some(([, v]) => Number.isFinite(v))).length;
  const reduction = `${AGGREGATE_TEXT[spec.aggregate]} of ${reduced.points} point${reduced.points === 1 ? '' : 's'} in ${seriesCount} series${over}`;
  evidence.reduction = reduction;
  evidence.value = round(reduced.value);
  return { ok: true, value: reduced.value, series: answer.series, evidence, summary: reduction };
}
