import type { Pool } from '../db/pool.js';

/**
 * What /metrics reads from the state DB at scrape time, in one read-only
 * transaction with a short statement timeout: the figures golive records
 * there (check results, decisions, sign-offs, incidents, documents) and the
 * stability window's latest samples, which workers write and web exports.
 * Raw rows; state-metrics.ts turns them into series.
 */

export interface CheckDurationRow {
  planId: string;
  checkpointId: string;
  checkId: string;
  status: string;
  count: number;
  sumMs: number;
  /** Cumulative counts, one per bucket bound (seconds) of CHECK_DURATION_BUCKETS. */
  buckets: number[];
}

export interface ProbeRow {
  windowId: string;
  planId: string;
  checkpointId: string;
  environment: string;
  kind: string;
  taken: number;
  up: number;
  everyMs: number;
  firstAt: Date;
  lastAt: Date;
  lastOk: boolean | null;
  lastLatencyMs: number | null;
}

export interface QueryLatencyRow {
  windowId: string;
  planId: string;
  checkpointId: string;
  environment: string;
  query: string;
  p50: number;
  p95: number;
  p99: number;
  count: number;
}

export interface MetricsSampleRow {
  windowId: string;
  planId: string;
  checkpointId: string;
  environment: string;
  at: Date;
  figures: Record<string, unknown>;
  /** Pruned / explained plans over the lookback. */
  pruned: number;
  explained: number;
}

export interface StateSnapshot {
  at: Date;
  checkDurations: CheckDurationRow[];
  decisions: { planId: string; checkpointId: string; decision: string; count: number }[];
  signoffs: { planId: string; checkpointId: string; role: string; count: number; withdrawn: number }[];
  incidents: { planId: string; severity: string; count: number; open: number }[];
  reports: { planId: string; checkpointId: string; kind: string; count: number }[];
  probes: ProbeRow[];
  queryLatency: QueryLatencyRow[];
  metricsSamples: MetricsSampleRow[];
}

/** Bucket bounds of golive_check_duration_seconds: a query timing to a 4-hour load test. */
export const CHECK_DURATION_BUCKETS = [0.1, 0.5, 1, 5, 15, 60, 300, 900, 1800, 3600, 7200, 14400] as const;

/** Stability gauges describe the last hour of samples; older windows drop out. */
export const STABILITY_LOOKBACK_MS = 3_600_000;

export async function readStateSnapshot(pool: Pool, now: Date, options: { statementTimeoutMs: number }): Promise<StateSnapshot> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN READ ONLY');
    await client.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.round(options.statementTimeoutMs))}`);
    const since = new Date(now.getTime() - STABILITY_LOOKBACK_MS);
    const bucketSql = CHECK_DURATION_BUCKETS.map((b, i) => `count(*) FILTER (WHERE r.duration_ms <= ${b * 1000}) AS b${i}`).join(', ');
    const durations = await client.query(
      `SELECT u.plan_id, u.checkpoint_id, r.check_id, r.status, count(*) AS n, coalesce(sum(r.duration_ms), 0) AS sum_ms, ${bucketSql}
         FROM check_results r JOIN runs u ON u.id = r.run_id
        WHERE r.duration_ms IS NOT NULL
        GROUP BY 1, 2, 3, 4`,
    );
    const decisions = await client.query(
      `SELECT plan_id, checkpoint_id, decision, count(*) AS n FROM runs WHERE status = 'complete' AND decision IS NOT NULL GROUP BY 1, 2, 3`,
    );
    const signoffs = await client.query(
      `SELECT plan_id, checkpoint_id, role, count(*) AS n, count(*) FILTER (WHERE withdrawn_at IS NOT NULL) AS withdrawn FROM signoffs GROUP BY 1, 2, 3`,
    );
    const incidents = await client.query(
      `SELECT plan_id, severity, count(*) AS n, count(*) FILTER (WHERE resolved_at IS NULL) AS open FROM incidents GROUP BY 1, 2`,
    );
    const reports = await client.query(`SELECT plan_id, checkpoint_id, kind, count(*) AS n FROM reports GROUP BY 1, 2, 3`);
    // Probes of windows sampled in the last hour: counts over the window so far, and the newest sample.
    const probes = await client.query(
      `WITH active AS (
         SELECT DISTINCT window_id FROM stability_samples WHERE kind <> 'metrics' AND at >= $1 AND at <= $2)
       SELECT s.window_id, s.plan_id, s.checkpoint_id, s.environment, s.kind,
              count(*) AS taken, count(*) FILTER (WHERE s.ok) AS up, max(s.every_ms) AS every_ms,
              min(s.at) AS first_at, max(s.at) AS last_at,
              (array_agg(s.ok ORDER BY s.at DESC))[1] AS last_ok,
              (array_agg(s.latency_ms ORDER BY s.at DESC))[1] AS last_latency_ms
         FROM stability_samples s JOIN active a ON a.window_id = s.window_id
        WHERE s.kind <> 'metrics' AND s.at <= $2
        GROUP BY 1, 2, 3, 4, 5`,
      [since, now],
    );
    const latency = await client.query(
      `SELECT s.window_id, s.plan_id, s.checkpoint_id, s.environment, q.key AS query, count(*) AS n,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY (q.value->>'ms')::float8) AS p50,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY (q.value->>'ms')::float8) AS p95,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY (q.value->>'ms')::float8) AS p99
         FROM stability_samples s CROSS JOIN LATERAL jsonb_each(CASE WHEN jsonb_typeof(s.figures->'queries') = 'object' THEN s.figures->'queries' ELSE '{}'::jsonb END) q
        WHERE s.kind = 'metrics' AND s.at >= $1 AND s.at <= $2 AND jsonb_typeof(q.value->'ms') = 'number'
        GROUP BY 1, 2, 3, 4, 5`,
      [since, now],
    );
    const samples = await client.query(
      `SELECT DISTINCT ON (s.window_id) s.window_id, s.plan_id, s.checkpoint_id, s.environment, s.at, s.figures,
              sum(coalesce((s.figures->'pruning'->>'pruned')::float8, 0)) OVER w AS pruned,
              sum(coalesce((s.figures->'pruning'->>'queries')::float8, 0)) OVER w AS explained
         FROM stability_samples s
        WHERE s.kind = 'metrics' AND s.at >= $1 AND s.at <= $2
       WINDOW w AS (PARTITION BY s.window_id)
        ORDER BY s.window_id, s.at DESC`,
      [since, now],
    );
    await client.query('COMMIT');
    return {
      at: now,
      checkDurations: durations.rows.map((r) => ({
        planId: r.plan_id,
        checkpointId: r.checkpoint_id,
        checkId: r.check_id,
        status: r.status,
        count: Number(r.n),
        sumMs: Number(r.sum_ms),
        buckets: CHECK_DURATION_BUCKETS.map((_, i) => Number(r[`b${i}`])),
      })),
      decisions: decisions.rows.map((r) => ({ planId: r.plan_id, checkpointId: r.checkpoint_id, decision: r.decision, count: Number(r.n) })),
      signoffs: signoffs.rows.map((r) => ({ planId: r.plan_id, checkpointId: r.checkpoint_id, role: r.role, count: Number(r.n), withdrawn: Number(r.withdrawn) })),
      incidents: incidents.rows.map((r) => ({ planId: r.plan_id, severity: r.severity, count: Number(r.n), open: Number(r.open) })),
      reports: reports.rows.map((r) => ({ planId: r.plan_id, checkpointId: r.checkpoint_id, kind: r.kind, count: Number(r.n) })),
      probes: probes.rows.map((r) => ({
        windowId: r.window_id,
        planId: r.plan_id,
        checkpointId: r.checkpoint_id,
        environment: r.environment,
        kind: r.kind,
        taken: Number(r.taken),
        up: Number(r.up),
        everyMs: Number(r.every_ms),
        firstAt: r.first_at,
        lastAt: r.last_at,
        lastOk: r.last_ok,
        lastLatencyMs: r.last_latency_ms === null ? null : Number(r.last_latency_ms),
      })),
      queryLatency: latency.rows.map((r) => ({
        windowId: r.window_id,
        planId: r.plan_id,
        checkpointId: r.checkpoint_id,
        environment: r.environment,
        query: r.query,
        p50: Number(r.p50),
        p95: Number(r.p95),
        p99: Number(r.p99),
        count: Number(r.n),
      })),
      metricsSamples: samples.rows.map((r) => ({
        windowId: r.window_id,
        planId: r.plan_id,
        checkpointId: r.checkpoint_id,
        environment: r.environment,
        at: r.at,
        figures: r.figures ?? {},
        pruned: Number(r.pruned),
        explained: Number(r.explained),
      })),
    };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
