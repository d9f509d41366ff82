import type pg from 'pg';
import { openSession, numericValue } from '../checks/pg-session.js';
import { round2 } from '../checks/stats.js';
import { describeError } from '../errors.js';
import { drawsFor, literalStatement, type NamedQuery } from '../perf/named-queries.js';
import { analysePruning, mentionsTable } from '../perf/pruning.js';
import { RAW_TYPES } from '../perf/raw-types.js';
import type { BaselineRecord } from '../store/baselines.js';

/**
 * The minute's sample of a stability window (DESIGN.md: "Monitoring
 * Period"): what the seed's dashboard and daily report follow, read from
 * the database itself.
 *
 *   queries      Q1-Q3 timed once each (round trip, as the baseline was), with
 *                the parameters of one of the baseline's runs when there is a
 *                baseline (so before and after answer the same question), and
 *                whether its plan pruned partitions (EXPLAIN ANALYZE)
 *   database     pg_stat_database counters and their change since the last
 *                sample: commits, rollbacks, deadlocks, conflicts, cache hits
 *   connections  sessions by state against max_connections
 *   locks        sessions waiting on a lock, and the longest wait
 *   partitions   scans per partition and index usage per partition
 *
 * Each part is read on its own: one that fails leaves its reason in
 * `errors` and the rest of the sample stands.
 */

export interface MetricsSampleInput {
  url: string;
  /** The partitioned table (plan target). */
  table: string;
  queries: NamedQuery[];
  /** Baselines of this environment by query id. */
  baselines: ReadonlyMap<string, BaselineRecord>;
  slot: number;
  everyMs: number;
  timeoutMs: number;
  /** The previous sample's figures, for the counters' change. */
  previous?: Record<string, unknown> | undefined;
  signal?: AbortSignal | undefined;
}

export interface QueryFigure {
  ms?: number;
  baseline_ms?: number;
  /** (ms - baseline) / baseline * 100: positive is slower than before the migration. */
  vs_baseline_pct?: number;
  params?: Record<string, number | string>;
  pruned?: boolean;
  scanned?: number;
  partitions?: number;
  error?: string;
}

export interface MetricsFigures {
  queries: Record<string, QueryFigure>;
  pruning?: { queries: number; pruned: number; pct: number | null; partitions: number };
  database?: Record<string, number | string | null>;
  connections?: Record<string, number | null>;
  locks?: Record<string, number | null>;
  partitions?: Record<string, { seq_scan: number | null; idx_scan: number | null; indexes: Record<string, number | null> }>;
  host?: Record<string, number | string | null>;
  prometheus?: Record<string, number | null>;
  errors: Record<string, string>;
}

export async function takeMetricsSample(input: MetricsSampleInput): Promise<MetricsFigures> {
  const figures: MetricsFigures = { queries: {}, errors: {} };
  let client: pg.Client;
  try {
    client = await openSession(input.url, { statementTimeoutMs: input.timeoutMs, signal: input.signal });
  } catch (err) {
    figures.errors.connect = describeError(err);
    return figures;
  }
  try {
    await client.query('SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY');
    const part = async (name: string, work: () => Promise<void>) => {
      try {
        await work();
      } catch (err) {
        figures.errors[name] = describeError(err);
      }
    };
    let partitions: string[] = [];
    await part('partitions', async () => {
      partitions = await leafPartitions(client, input.table);
      figures.partitions = await partitionUsage(client, input.table);
    });
    for (const q of input.queries) {
      await part(`query_${q.id}`, async () => {
        figures.queries[q.id] = await timeAndExplain(client, q, input, partitions);
      });
    }
    const explained = Object.values(figures.queries).filter((q) => q.pruned !== undefined);
    if (partitions.length > 0 && explained.length > 0) {
      const pruned = explained.filter((q) => q.pruned).length;
      figures.pruning = { queries: explained.length, pruned, pct: round2((pruned / explained.length) * 100), partitions: partitions.length };
    }
    await part('database', async () => {
      figures.database = await databaseCounters(client, input.previous?.database as Record<string, unknown> | undefined, input.everyMs);
    });
    await part('connections', async () => {
      figures.connections = await connections(client);
    });
    await part('locks', async () => {
      figures.locks = await lockWaits(client);
    });
  } finally {
    await client.end().catch(() => {});
  }
  return figures;
}

async function timeAndExplain(client: pg.Client, query: NamedQuery, input: MetricsSampleInput, partitions: string[]): Promise<QueryFigure> {
  const baseline = input.baselines.get(query.id);
  const run = baseline?.samples.length ? baseline.samples[input.slot % baseline.samples.length] : undefined;
  let values: Array<number | string>;
  let params: Record<string, number | string>;
  if (run) {
    params = run.params;
    values = query.script.parameterNames.map((name) => run.params[name] ?? query.fixed[name] ?? 0);
  } else {
    const draw = drawsFor(query, `golive:sample:${query.id}:${input.slot}`)();
    values = draw.values;
    params = draw.params;
  }
  const text = literalStatement(query, values);
  const started = performance.now();
  await client.query({ text, rowMode: 'array', types: RAW_TYPES });
  const ms = round2(performance.now() - started);
  const figure: QueryFigure = { ms, params };
  if (run) {
    figure.baseline_ms = run.ms;
    if (run.ms > 0) figure.vs_baseline_pct = round2(((ms - run.ms) / run.ms) * 100);
  }
  if (partitions.length > 0) {
    const { rows } = await client.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) ${text}`);
    const verdict = analysePruning(rows[0]!['QUERY PLAN'], partitions, { mentionsTable: mentionsTable(text, input.table) });
    if (verdict.readsTable) {
      figure.pruned = verdict.pruned;
      figure.scanned = verdict.scanned;
      figure.partitions = verdict.partitions;
    }
  }
  return figure;
}

/** Leaf partitions of the table; none for a plain table or a missing one. */
async function leafPartitions(client: pg.ClientBase, table: string): Promise<string[]> {
  const { rows } = await client.query<{ relname: string }>(
    `SELECT c.relname FROM pg_partition_tree(to_regclass($1)) t JOIN pg_class c ON c.oid = t.relid
      WHERE to_regclass($1) IS NOT NULL AND t.isleaf AND t.level > 0 ORDER BY 1`,
    [table],
  );
  return rows.map((r) => r.relname);
}

async function partitionUsage(client: pg.ClientBase, table: string): Promise<NonNullable<MetricsFigures['partitions']>> {
  const { rows } = await client.query<{ partition: string; seq_scan: string | null; idx_scan: string | null; index: string | null; index_scans: string | null }>(
    // Leaf partitions; a table that is not partitioned (before the migration) stands for itself.
    `WITH leaves AS (
       SELECT relid FROM pg_partition_tree(to_regclass($1)) WHERE isleaf
       UNION ALL
       SELECT to_regclass($1) WHERE to_regclass($1) IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_partition_tree(to_regclass($1))))
     SELECT c.relname AS partition, s.seq_scan, s.idx_scan, i.indexrelname AS index, i.idx_scan AS index_scans
       FROM leaves t
       JOIN pg_class c ON c.oid = t.relid
       LEFT JOIN pg_stat_user_tables s ON s.relid = t.relid
       LEFT JOIN pg_stat_user_indexes i ON i.relid = t.relid
      ORDER BY 1, 4`,
    [table],
  );
  const out: NonNullable<MetricsFigures['partitions']> = {};
  for (const r of rows) {
    const entry = (out[r.partition] ??= { seq_scan: numericValue(r.seq_scan), idx_scan: numericValue(r.idx_scan), indexes: {} });
    if (r.index) entry.indexes[r.index] = numericValue(r.index_scans);
  }
  return out;
}

const COUNTERS = ['xact_commit', 'xact_rollback', 'deadlocks', 'conflicts', 'blks_hit', 'blks_read', 'temp_files'] as const;

async function databaseCounters(client: pg.ClientBase, previous: Record<string, unknown> | undefined, everyMs: number): Promise<Record<string, number | string | null>> {
  const { rows } = await client.query(
    `SELECT ${COUNTERS.join(', ')}, numbackends, coalesce(stats_reset::text, '') AS stats_reset
       FROM pg_stat_database WHERE datname = current_database()`,
  );
  const row = rows[0] ?? {};
  const out: Record<string, number | string | null> = { stats_reset: String(row.stats_reset ?? ''), numbackends: numericValue(row.numbackends) };
  for (const c of COUNTERS) out[c] = numericValue(row[c]);
  // Changes since the previous sample; none after a statistics reset.
  const comparable = previous && previous.stats_reset === out.stats_reset;
  const delta = (name: (typeof COUNTERS)[number]) => {
    const now = out[name];
    const before = comparable ? numericValue(previous[name]) : null;
    return typeof now === 'number' && before !== null && now >= before ? now - before : null;
  };
  out.commits = delta('xact_commit');
  out.rollbacks = delta('xact_rollback');
  out.deadlocks_delta = delta('deadlocks');
  out.conflicts_delta = delta('conflicts');
  const hits = delta('blks_hit');
  const reads = delta('blks_read');
  out.cache_hit_pct = hits !== null && reads !== null && hits + reads > 0 ? round2((hits / (hits + reads)) * 100) : cumulativeHitPct(out);
  out.tps = out.commits !== null && out.rollbacks !== null ? round2(((out.commits as number) + (out.rollbacks as number)) / (everyMs / 1000)) : null;
  return out;
}

function cumulativeHitPct(out: Record<string, number | string | null>): number | null {
  const hits = out.blks_hit;
  const reads = out.blks_read;
  return typeof hits === 'number' && typeof reads === 'number' && hits + reads > 0 ? round2((hits / (hits + reads)) * 100) : null;
}

async function connections(client: pg.ClientBase): Promise<Record<string, number | null>> {
  const { rows } = await client.query(
    `SELECT count(*) AS total,
            count(*) FILTER (WHERE datname = current_database()) AS here,
            count(*) FILTER (WHERE datname = current_database() AND state = 'active') AS active,
            count(*) FILTER (WHERE datname = current_database() AND state LIKE 'idle in transaction%') AS idle_in_transaction,
            current_setting('max_connections')::int AS max
       FROM pg_stat_activity WHERE backend_type = 'client backend'`,
  );
  const r = rows[0] ?? {};
  const total = numericValue(r.total);
  const max = numericValue(r.max);
  return {
    total,
    here: numericValue(r.here),
    active: numericValue(r.active),
    idle_in_transaction: numericValue(r.idle_in_transaction),
    max,
    used_pct: total !== null && max ? round2((total / max) * 100) : null,
  };
}

async function lockWaits(client: pg.ClientBase): Promise<Record<string, number | null>> {
  const { rows } = await client.query(
    `SELECT count(*) AS waiting, coalesce(max(extract(epoch FROM clock_timestamp() - coalesce(state_change, query_start))), 0)::float8 AS longest_wait_s
       FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`,
  );
  return { waiting: numericValue(rows[0]?.waiting), longest_wait_s: round2(numericValue(rows[0]?.longest_wait_s) ?? 0) };
}
