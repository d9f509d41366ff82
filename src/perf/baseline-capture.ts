import pg from 'pg';
import { parseCheckParams } from '../plan/check-types.js';
import { allChecks, type Plan } from '../plan/schema.js';
import type { BaselineRecord } from '../store/baselines.js';
import { loadNamedQueries } from './named-queries.js';
import { timeNamedQuery, type QueryTiming } from './query-timing.js';

/**
 * `/golive baseline capture ENV`: every named query of the plan timed on the
 * environment the way query_performance will time it later (same runs,
 * warm-up and parameter sequence), ready to be stored as the "before".
 */

export interface CaptureOptions {
  plan: Plan;
  planDir: string;
  environment: string;
  targetUrl: string;
  capturedBy: string;
  /** Per query execution (default 10 min: production-scale queries take seconds). */
  statementTimeoutMs?: number;
  signal?: AbortSignal;
}

export interface CaptureResult {
  serverVersion: string;
  records: Omit<BaselineRecord, 'capturedAt'>[];
  timings: QueryTiming[];
}

export async function captureBaseline(options: CaptureOptions): Promise<CaptureResult> {
  const queries = await loadNamedQueries(options.plan, options.planDir);
  const client = new pg.Client({
    connectionString: options.targetUrl,
    application_name: 'golive-baseline',
    statement_timeout: options.statementTimeoutMs ?? 600_000,
    connectionTimeoutMillis: 10_000,
  });
  client.on('error', () => {});
  const onAbort = () => void client.end().catch(() => {});
  options.signal?.addEventListener('abort', onAbort, { once: true });
  await client.connect();
  try {
    // The named queries only read; a session that cannot write keeps it that way.
    await client.query('SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY');
    const version = await client.query<{ server_version: string }>('SHOW server_version');
    const serverVersion = version.rows[0]!.server_version;
    const timings: QueryTiming[] = [];
    for (const query of queries) {
      const settings = timingSettingsFor(options.plan, query.id);
      timings.push(await timeNamedQuery(client, query, { ...settings, signal: options.signal }));
    }
    return {
      serverVersion,
      timings,
      records: timings.map((t) => ({
        planId: options.plan.id,
        environment: options.environment,
        queryId: t.queryId,
        medianMs: t.medianMs,
        p95Ms: t.p95Ms,
        samples: t.runs,
        serverVersion,
        capturedBy: options.capturedBy,
      })),
    };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await client.end().catch(() => {});
  }
}

/**
 * Runs and warm-up for a query's baseline: the most any query_performance
 * check of the plan uses against the baseline for that query, so the "before"
 * has at least as many samples as the "after".
 */
export function timingSettingsFor(plan: Plan, queryId: string): { runs: number; warmup: number } {
  const defaults = parseCheckParams('query_performance', { query: queryId });
  let runs = defaults.runs;
  let warmup = defaults.warmup;
  let found = false;
  for (const checkpoint of plan.checkpoints) {
    for (const check of allChecks(checkpoint)) {
      if (check.type !== 'query_performance' || check.params.query !== queryId) continue;
      let params;
      try {
        params = parseCheckParams('query_performance', check.params);
      } catch {
        continue;
      }
      if (params.reference !== 'baseline') continue;
      runs = found ? Math.max(runs, params.runs) : params.runs;
      warmup = found ? Math.max(warmup, params.warmup) : params.warmup;
      found = true;
    }
  }
  return { runs, warmup };
}
