import type pg from 'pg';
import { describeError } from '../errors.js';
import { drawsFor, literalStatement, loadNamedQueries, timingSeed } from '../perf/named-queries.js';
import { analysePruning, mentionsTable, type PruningVerdict } from '../perf/pruning.js';
import { redactUrl } from '../redact.js';
import { describeDatabaseError } from './pg-errors.js';
import { withReadOnlySession } from './pg-session.js';
import { round2 } from './stats.js';
import { defineCheck, type RawOutcome } from './types.js';

/**
 * EXPLAIN (ANALYZE, FORMAT JSON) of a representative query set on the
 * partitioned table: the plan's named queries (with parameter values as a
 * load test would draw them), the statements the check lists, and
 * optionally the most called statements of pg_stat_statements. A query
 * prunes when it reads fewer partitions than the table has (see
 * src/perf/pruning.ts for the three ways EXPLAIN shows it). Reports the
 * share of pruning queries and the scan reduction; everything runs in a
 * read-only transaction that is rolled back.
 */

interface Sample {
  id: string;
  sql: string;
  params?: Record<string, number | string>;
}

interface QueryResult extends Partial<PruningVerdict> {
  id: string;
  sql: string;
  params?: Record<string, number | string>;
  error?: string;
}

export const partitionPruningCheck = defineCheck({
  type: 'partition_pruning',
  defaultTimeoutMs: 10 * 60_000,
  async run(params, ctx): Promise<RawOutcome> {
    const target = redactUrl(ctx.targetUrl);
    const samples: Sample[] = [];
    try {
      for (const q of await loadNamedQueries(ctx.plan, ctx.planDir, params.queries)) {
        const draw = drawsFor(q, timingSeed(q.id))();
        samples.push({ id: q.id, sql: literalStatement(q, draw.values), params: draw.params });
      }
    } catch (err) {
      return { status: 'error', observed: {}, evidence: { target, table: params.table }, message: describeError(err) };
    }
    params.statements.forEach((sql, i) => samples.push({ id: `S${i + 1}`, sql }));

    try {
      return await withReadOnlySession(ctx.targetUrl, { statementTimeoutMs: ctx.timeoutMs, signal: ctx.signal }, async (client) => {
        const partitions = await leafPartitions(client, params.table);
        const notes: string[] = [];
        if (params.pg_stat_statements_top > 0) samples.push(...(await topStatements(client, params.table, params.pg_stat_statements_top, notes)));
        if (partitions === undefined) {
          return { status: 'error', observed: {}, evidence: { target, table: params.table }, message: `table ${params.table} does not exist on ${ctx.environment}` };
        }

        const results: QueryResult[] = [];
        for (const s of samples) {
          if (ctx.signal.aborted) break;
          results.push(await explainOne(client, s, partitions, params.table));
        }

        const reading = results.filter((r) => r.readsTable && !r.error);
        const pruned = reading.filter((r) => r.pruned);
        const failed = results.filter((r) => r.error);
        const pct = reading.length ? round2((pruned.length / reading.length) * 100) : 0;
        const scanned = reading.reduce((sum, r) => sum + (r.scanned ?? 0), 0);
        const reduction = reading.length && partitions.length ? round2((1 - scanned / (reading.length * partitions.length)) * 100) : 0;
        const observed = { queries: reading.length, pruned_queries: pruned.length, pruned_pct: pct, scan_reduction_pct: reduction };
        const evidence = {
          target,
          table: params.table,
          partitions: partitions.length,
          per_query: results,
          ...(notes.length ? { notes } : {}),
        };

        if (partitions.length === 0) {
          return {
            status: 'fail',
            observed: { ...observed, pruned_queries: 0, pruned_pct: 0, scan_reduction_pct: 0 },
            evidence,
            message: `${params.table} is not partitioned on ${ctx.environment}: none of ${reading.length} queries can prune`,
          };
        }
        if (failed.length && reading.length === 0) {
          return { status: 'error', observed, evidence, message: `no query could be explained: ${failed[0]!.error}` };
        }
        const failedText = failed.length ? `; ${failed.length} could not be explained (${failed.map((f) => f.id).join(', ')})` : '';
        const notReading = results.length - reading.length - failed.length;
        const skippedText = notReading > 0 ? `; ${notReading} do not read ${params.table}` : '';
        return {
          status: 'pass',
          observed,
          evidence,
          message:
            `${pruned.length} of ${reading.length} queries prune partitions of ${params.table} (${pct} %), ` +
            `scans reduced ${reduction} % over ${partitions.length} partitions${failedText}${skippedText}`,
        };
      });
    } catch (err) {
      const reason = describeDatabaseError(err, ctx.targetUrl);
      return { status: 'error', observed: {}, evidence: { target, table: params.table }, message: `cannot explain the queries on ${ctx.environment}: ${reason}` };
    }
  },
});

/** Leaf partitions' names; [] for a plain table, undefined when the table is missing. */
async function leafPartitions(client: pg.ClientBase, table: string): Promise<string[] | undefined> {
  const exists = await client.query(`SELECT to_regclass($1) IS NOT NULL AS ok`, [table]);
  if (!exists.rows[0]?.ok) return undefined;
  const { rows } = await client.query<{ relname: string }>(
    `SELECT c.relname FROM pg_partition_tree($1::regclass) t JOIN pg_class c ON c.oid = t.relid WHERE t.isleaf AND t.level > 0 ORDER BY 1`,
    [table],
  );
  return rows.map((r) => r.relname);
}

async function explainOne(client: pg.ClientBase, sample: Sample, partitions: string[], table: string): Promise<QueryResult> {
  const head = { id: sample.id, sql: sample.sql, ...(sample.params ? { params: sample.params } : {}) };
  // A failing statement must not end the transaction for the next ones.
  await client.query('SAVEPOINT explain_one');
  try {
    const { rows } = await client.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) ${sample.sql}`);
    await client.query('RELEASE SAVEPOINT explain_one');
    const verdict = analysePruning(rows[0]!['QUERY PLAN'], partitions, { mentionsTable: mentionsTable(sample.sql, table) });
    return { ...head, ...verdict };
  } catch (err) {
    await client.query('ROLLBACK TO SAVEPOINT explain_one').catch(() => {});
    return { ...head, error: describeError(err) };
  }
}

/**
 * The most called statements touching the table, from pg_stat_statements.
 * Its texts are normalised ($1 for every constant), which PostgreSQL 15
 * cannot explain without values: only statements without parameters are taken.
 */
async function topStatements(client: pg.ClientBase, table: string, limit: number, notes: string[]): Promise<Sample[]> {
  const available = await client.query(`SELECT to_regclass('pg_stat_statements') IS NOT NULL AS ok`);
  if (!available.rows[0]?.ok) {
    notes.push('pg_stat_statements is not installed in this database: no statements taken from it');
    return [];
  }
  await client.query('SAVEPOINT top_statements');
  try {
    const name = table.split('.').pop()!;
    const { rows } = await client.query<{ query: string }>(
      `SELECT query FROM pg_stat_statements
        WHERE query ~* '^\\s*select' AND query !~ '\\$[0-9]' AND position(lower($1) in lower(query)) > 0
        ORDER BY calls DESC LIMIT $2`,
      [name, limit],
    );
    await client.query('RELEASE SAVEPOINT top_statements');
    if (rows.length < limit) notes.push(`pg_stat_statements gave ${rows.length} explainable statements (those with $n parameters cannot be explained on PostgreSQL 15)`);
    return rows.map((r, i) => ({ id: `top${i + 1}`, sql: r.query }));
  } catch (err) {
    await client.query('ROLLBACK TO SAVEPOINT top_statements').catch(() => {});
    notes.push(`pg_stat_statements could not be read: ${describeError(err)}`);
    return [];
  }
}
