import type pg from 'pg';
import { formatBytes } from '../plan/units.js';
import { indexesOf, leafRelations, relationTree, resolveTable, userTables, type TableRef } from './catalog.js';
import { errorOutcome, readOnly, targetOf } from './read-only.js';
import { defineCheck, type RawOutcome } from './types.js';

/**
 * One figure of the database as it stands (CHECKPOINT 1's baseline: table
 * size, exact row count, index count), judged by the plan's expect. With
 * `snapshot: true` the evidence marks the figure as the pre-migration
 * reference that later comparisons read.
 *
 * A partitioned table's size and rows are those of all its partitions; its
 * index count is the indexes declared on it (each also exists once per
 * partition; the evidence gives both counts).
 */

type Measure = 'table_size' | 'total_relation_size' | 'row_count' | 'index_count';

const METRIC: Record<Measure, 'bytes' | 'rows' | 'indexes'> = {
  table_size: 'bytes',
  total_relation_size: 'bytes',
  row_count: 'rows',
  index_count: 'indexes',
};

interface Measured {
  value: number;
  detail: Record<string, unknown>;
  text: string;
}

export const dbBaselineCheck = defineCheck({
  type: 'db_baseline',
  defaultTimeoutMs: 10 * 60_000,
  async run(params, ctx): Promise<RawOutcome> {
    const target = targetOf(ctx);
    const metric = METRIC[params.measure];
    const empty = { value: null, [metric]: null };
    const evidence: Record<string, unknown> = { measure: params.measure, scope: params.scope, table: params.table ?? null, snapshot: params.snapshot };
    if (params.scope === 'table' && !params.table) {
      return { status: 'error', observed: empty, evidence, message: `measure ${params.measure} with scope table needs a table` };
    }
    let measured: Measured | string;
    try {
      measured = await readOnly(ctx, target, async (client) => {
        if (params.scope === 'database') return measureDatabase(client, params.measure);
        const table = await resolveTable(client, params.table!);
        if (!table) return `${params.table} does not exist in ${ctx.environment}`;
        return measureTable(client, table, params.measure);
      });
    } catch (err) {
      return errorOutcome(target, err, `measuring ${params.measure}`, empty, evidence);
    }
    if (typeof measured === 'string') return { status: 'fail', observed: empty, evidence, message: measured };
    Object.assign(evidence, measured.detail);
    const where = params.scope === 'database' ? `database ${ctx.environment}` : params.table!;
    const note = params.snapshot ? ' (recorded as the pre-migration snapshot)' : '';
    return { status: 'pass', observed: { value: measured.value, [metric]: measured.value }, evidence, message: `${where}: ${measured.text}${note}` };
  },
});

async function measureTable(client: pg.Client, table: TableRef, measure: Measure): Promise<Measured> {
  switch (measure) {
    case 'table_size':
    case 'total_relation_size': {
      const leaves = await leafRelations(client, table);
      const fn = measure === 'table_size' ? 'pg_table_size' : 'pg_total_relation_size';
      const { rows } = await client.query<{ bytes: string; partitions: number }>(
        `SELECT coalesce(sum(${fn}(oid)), 0)::text AS bytes, count(*)::int AS partitions FROM unnest($1::oid[]) oid`,
        [leaves.map((l) => l.oid)],
      );
      const bytes = Number(rows[0]!.bytes);
      const what = measure === 'table_size' ? 'table size (heap and TOAST)' : 'total size (heap, TOAST and indexes)';
      return {
        value: bytes,
        detail: { bytes, kind: table.kind, relations_summed: rows[0]!.partitions },
        text: `${what} ${formatBytes(bytes)}${table.kind === 'partitioned table' ? ` over ${leaves.length} partitions` : ''}`,
      };
    }
    case 'row_count': {
      const started = performance.now();
      const { rows } = await client.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table.sql}`);
      const n = Number(rows[0]!.n);
      return { value: n, detail: { rows: n, exact: true, count_ms: Math.round(performance.now() - started) }, text: `${n.toLocaleString('en')} rows (exact count)` };
    }
    case 'index_count': {
      const own = await indexesOf(client, [table.oid]);
      const tree = await relationTree(client, table);
      const all = tree.length > 1 ? await indexesOf(client, tree.map((t) => t.oid)) : own;
      return {
        value: own.length,
        detail: {
          indexes: own.map((i) => ({ name: i.display, method: i.method, columns: i.columns, valid: i.valid })),
          ...(tree.length > 1 ? { indexes_including_partitions: all.length } : {}),
        },
        text: `${own.length} indexes${tree.length > 1 ? ` declared (${all.length} counting each partition's)` : ''}`,
      };
    }
  }
}

async function measureDatabase(client: pg.Client, measure: Measure): Promise<Measured> {
  switch (measure) {
    case 'table_size':
    case 'total_relation_size': {
      const { rows } = await client.query<{ bytes: string; db: string }>('SELECT pg_database_size(current_database())::text AS bytes, current_database() AS db');
      const bytes = Number(rows[0]!.bytes);
      return { value: bytes, detail: { bytes, database: rows[0]!.db }, text: `database size ${formatBytes(bytes)}` };
    }
    case 'row_count': {
      const tables = await userTables(client);
      const perTable: Record<string, number> = {};
      let total = 0;
      for (const t of tables) {
        const { rows } = await client.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${t.sql}`);
        perTable[t.display] = Number(rows[0]!.n);
        total += perTable[t.display]!;
      }
      return { value: total, detail: { rows: total, exact: true, tables: perTable }, text: `${total.toLocaleString('en')} rows in ${tables.length} tables (exact counts)` };
    }
    case 'index_count': {
      // Indexes people declared: a partitioned index counts once, not once per partition; extension tables are left out.
      const tables = await userTables(client);
      const views = await client.query<{ oid: string }>(
        `SELECT c.oid::int8::text AS oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE c.relkind = 'm' AND n.nspname NOT IN ('pg_catalog', 'information_schema')`,
      );
      const indexes = await indexesOf(client, [...tables.map((t) => t.oid), ...views.rows.map((v) => Number(v.oid))]);
      const byTable: Record<string, number> = {};
      for (const i of indexes) byTable[i.table] = (byTable[i.table] ?? 0) + 1;
      return {
        value: indexes.length,
        detail: { indexes: indexes.length, by_table: byTable, invalid: indexes.filter((i) => !i.valid).map((i) => i.display) },
        text: `${indexes.length} indexes on ${Object.keys(byTable).length} tables and materialized views`,
      };
    }
  }
}
