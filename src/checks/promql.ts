import type { PromSeries } from './prometheus-client.js';

/**
 * PromQL as plans write it, and what golive does with the answer.
 *
 * Placeholders a plan's query may use:
 *   {{instance}}       the environment's `prometheus_instance` (the plan's
 *                      environments.<name>.prometheus_instance), quoted safely
 *                      for a PromQL string: instance="{{instance}}"
 *   {{rate_interval}}  the window golive picks for rate()/increase(): 1m for
 *                      an instant query; for a range query the larger of 1m
 *                      and the step, so consecutive points cover the range
 *                      without gaps (Grafana's $__rate_interval, simplified)
 */

export const PLACEHOLDERS = ['instance', 'rate_interval'] as const;
type Placeholder = (typeof PLACEHOLDERS)[number];

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Shortest rate window: four scrapes at the common 15 s interval. */
export const MIN_RATE_INTERVAL_S = 60;
/** A range query aims at about this many points per series (well under Prometheus's 11,000 cap). */
const TARGET_POINTS = 720;

export interface QueryVariables {
  instance?: string | undefined;
  /** Seconds. */
  rateIntervalS: number;
  /** Names the environment in the message when its instance is missing. */
  environment: string;
}

export function renderQuery(template: string, vars: QueryVariables): { query: string } | { problem: string } {
  const unknown = new Set<string>();
  let missingInstance = false;
  const query = template.replace(PLACEHOLDER, (whole, name: string) => {
    switch (name as Placeholder) {
      case 'instance':
        if (vars.instance === undefined) {
          missingInstance = true;
          return whole;
        }
        return escapePromqlString(vars.instance);
      case 'rate_interval':
        return promqlDuration(vars.rateIntervalS);
      default:
        unknown.add(name);
        return whole;
    }
  });
  if (unknown.size > 0) {
    return { problem: `the query uses ${[...unknown].map((n) => `{{${n}}}`).join(', ')}; known placeholders: ${PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}` };
  }
  if (missingInstance) {
    return {
      problem: `the query uses {{instance}}, and environment ${vars.environment} has no prometheus_instance in the plan (set environments.${vars.environment}.prometheus_instance to its node_exporter instance label, e.g. db1:9100)`,
    };
  }
  return { query };
}

/** Inside "…" PromQL follows Go string escapes: a backslash or a quote must be escaped. */
export function escapePromqlString(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export function promqlDuration(seconds: number): string {
  return `${Math.max(1, Math.round(seconds))}s`;
}

/** Step of a range query over `rangeMs`: whole seconds, at least 1 s. */
export function chooseStepS(rangeMs: number): number {
  return Math.max(1, Math.ceil(rangeMs / 1000 / TARGET_POINTS));
}

export function rateIntervalFor(stepS: number | undefined): number {
  return stepS === undefined ? MIN_RATE_INTERVAL_S : Math.max(MIN_RATE_INTERVAL_S, stepS);
}

export type Aggregate = 'last' | 'max' | 'min' | 'avg';

export const AGGREGATE_TEXT: Record<Aggregate, string> = {
  last: 'the latest value',
  max: 'the highest value',
  min: 'the lowest value',
  avg: 'the average of all values',
};

export type Reduction =
  | { kind: 'value'; value: number; points: number; dropped: number }
  | { kind: 'empty'; dropped: number }
  | { kind: 'problem'; problem: string };

/**
 * One figure from a vector or matrix. min/max/avg pool every finite value of
 * every series; `last` needs exactly one series (which "last" of several
 * would be a guess), so the plan's query must aggregate first.
 * NaN and ±Inf (a division by zero, an empty rate) are dropped and counted.
 */
export function reduceSeries(series: PromSeries[], aggregate: Aggregate): Reduction {
  const finite = series.map((s) => ({ labels: s.labels, points: s.points.filter(([, v]) => Number.isFinite(v)) }));
  const dropped = series.reduce((n, s) => n + s.points.length, 0) - finite.reduce((n, s) => n + s.points.length, 0);
  const withValues = finite.filter((s) => s.points.length > 0);
  if (withValues.length === 0) return { kind: 'empty', dropped };
  if (aggregate === 'last') {
    if (withValues.length > 1) {
      const names = withValues.slice(0, 3).map((s) => formatLabels(s.labels)).join(', ');
      return {
        kind: 'problem',
        problem: `the query returned ${withValues.length} series (${names}${withValues.length > 3 ? ', …' : ''}); aggregate them to one (max(…), sum(…)) or use aggregate max/min/avg`,
      };
    }
    const points = withValues[0]!.points;
    return { kind: 'value', value: points[points.length - 1]![1], points: points.length, dropped };
  }
  const values = withValues.flatMap((s) => s.points.map(([, v]) => v));
  let value: number;
  if (aggregate === 'max') value = values.reduce((a, b) => Math.max(a, b), -Infinity);
  else if (aggregate === 'min') value = values.reduce((a, b) => Math.min(a, b), Infinity);
  else value = values.reduce((a, b) => a + b, 0) / values.length;
  return { kind: 'value', value, points: values.length, dropped };
}

export function formatLabels(labels: Record<string, string>): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '{}';
  return `{${entries.map(([k, v]) => `${k}="${v}"`).join(',')}}`;
}

/** Evidence keeps at most this many series and points per series. */
export const EVIDENCE_MAX_SERIES = 10;
export const EVIDENCE_MAX_POINTS = 30;

export interface SeriesEvidence {
  labels: Record<string, string>;
  points: number;
  min: number | null;
  max: number | null;
  avg: number | null;
  last: number | null;
  /** [ISO time, value], evenly thinned to EVIDENCE_MAX_POINTS; null stands for NaN/Inf. */
  values: Array<[string, number | null]>;
  thinned?: true;
}

/** What a DBA wants to see of the answer, small enough for a stored run. */
export function seriesEvidence(series: PromSeries[]): { series: SeriesEvidence[]; series_total: number; series_capped?: true } {
  const shown = series.slice(0, EVIDENCE_MAX_SERIES).map((s): SeriesEvidence => {
    const finite = s.points.map(([, v]) => v).filter(Number.isFinite);
    const picked = thin(s.points, EVIDENCE_MAX_POINTS);
    return {
      labels: s.labels,
      points: s.points.length,
      min: finite.length ? round(Math.min(...finite)) : null,
      max: finite.length ? round(Math.max(...finite)) : null,
      avg: finite.length ? round(finite.reduce((a, b) => a + b, 0) / finite.length) : null,
      last: finite.length ? round(finite[finite.length - 1]!) : null,
      values: picked.map(([t, v]) => [new Date(t * 1000).toISOString(), Number.isFinite(v) ? round(v) : null]),
      ...(picked.length < s.points.length ? { thinned: true as const } : {}),
    };
  });
  return { series: shown, series_total: series.length, ...(series.length > EVIDENCE_MAX_SERIES ? { series_capped: true as const } : {}) };
}

function thin<T>(items: T[], max: number): T[] {
  if (items.length <= max) return items;
  const out: T[] = [];
  for (let i = 0; i < max; i++) out.push(items[Math.round((i * (items.length - 1)) / (max - 1))]!);
  return out;
}

/** Four significant decimals are plenty for a percentage or a byte count. */
export function round(n: number): number {
  if (!Number.isFinite(n)) return n;
  if (Math.abs(n) >= 1000) return Math.round(n * 100) / 100;
  return Math.round(n * 10_000) / 10_000;
}
