import type pg from 'pg';
import { percentile, round2 } from '../checks/stats.js';
import { drawsFor, literalStatement, timingSeed, type NamedQuery } from './named-queries.js';
import { RAW_TYPES } from './raw-types.js';

/**
 * Time one named query as the baseline capture and the query_performance
 * check both do: `warmup` runs first (caches, plan), then `runs` timed runs,
 * each with the next parameter values of the query's fixed sequence (real
 * traffic asks different things; the sequence is the same on every capture,
 * so before and after answer the same questions). The time is the round trip
 * as the application sees it, rows included; the statement goes with its
 * values pasted in, as pgbench sends it.
 */

export interface TimedRun {
  run: number;
  ms: number;
  params: Record<string, number | string>;
}

export interface QueryTiming {
  queryId: string;
  warmup: number;
  runs: TimedRun[];
  medianMs: number;
  p95Ms: number;
  meanMs: number;
  minMs: number;
  maxMs: number;
  /** EXPLAIN (ANALYZE, BUFFERS) of the first timed run's values, when asked for. */
  explain?: { params: Record<string, number | string>; plan: string };
}

export interface TimingOptions {
  runs: number;
  warmup: number;
  explain?: boolean;
  signal?: AbortSignal;
}

/** EXPLAIN text kept as evidence is cut here (a plan over many partitions is long). */
const EXPLAIN_LIMIT_CHARS = 20_000;

export async function timeNamedQuery(client: pg.ClientBase, query: NamedQuery, options: TimingOptions): Promise<QueryTiming> {
  const next = drawsFor(query, timingSeed(query.id));
  for (let i = 0; i < options.warmup; i++) {
    throwIfAborted(options.signal);
    await client.query({ text: literalStatement(query, next().values), rowMode: 'array', types: RAW_TYPES });
  }
  const runs: TimedRun[] = [];
  for (let i = 0; i < options.runs; i++) {
    throwIfAborted(options.signal);
    const draw = next();
    const text = literalStatement(query, draw.values);
    const started = performance.now();
    await client.query({ text, rowMode: 'array', types: RAW_TYPES });
    runs.push({ run: i + 1, ms: round2(performance.now() - started), params: draw.params });
  }
  const sorted = runs.map((r) => r.ms).sort((a, b) => a - b);
  const timing: QueryTiming = {
    queryId: query.id,
    warmup: options.warmup,
    runs,
    medianMs: round2(median(sorted)),
    p95Ms: round2(percentile(sorted, 95)),
    meanMs: round2(sorted.reduce((a, b) => a + b, 0) / sorted.length),
    minMs: sorted[0]!,
    maxMs: sorted[sorted.length - 1]!,
  };
  if (options.explain && runs[0]) {
    throwIfAborted(options.signal);
    const first = runs[0];
    const values = query.script.parameterNames.map((name) => first.params[name]!);
    const result = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${literalStatement(query, values)}`);
    const plan = result.rows.map((r) => r['QUERY PLAN']).join('\n');
    timing.explain = { params: first.params, plan: plan.length > EXPLAIN_LIMIT_CHARS ? `${plan.slice(0, EXPLAIN_LIMIT_CHARS)}\n…` : plan };
  }
  return timing;
}

/** The middle value (mean of the two middle ones for an even count) of sorted values. */
export function median(sorted: readonly number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function throwIfAborted(signal?: AbortSignal) {
  if (signal?.aborted) throw new Error('stopped: the check was aborted');
}
