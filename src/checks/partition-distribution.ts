import type pg from 'pg';
import { compareValue, describeComparison, type Expectation } from '../plan/expect.js';
import { formatBytes } from '../plan/units.js';
import { leafRelations, resolveTable, type TableRef } from './catalog.js';
import { errorOutcome, listShort, readOnly, targetOf } from './read-only.js';
import { defineCheck, type RawOutcome } from './types.js';

/**
 * Sizes of the partitions of a partitioned table (CHECKPOINT 2: "balanced,
 * 45-280 MB per partition"): smallest, largest, their ratio, the empty ones,
 * and the rows that fell into the default partition (which the auto-partition
 * job should keep empty). The plan's expect judges the figures; the evidence
 * lists every partition with its bound and size, and names those outside the
 * band the plan's min_bytes / max_bytes expectations draw.
 *
 * Size is pg_table_size (heap, TOAST, free space and visibility maps; no
 * indexes). Row counts shown are the planner's estimates, except the default
 * partition's, which is counted exactly.
 */

interface PartitionRow {
  partition: string;
  bound: string;
  bytes: number;
  size: string;
  estimated_rows: number | null;
  empty: boolean;
  default: boolean;
  excluded?: string;
  outside_band?: string;
}

export const partitionDistributionCheck = defineCheck({
  type: 'partition_distribution',
  defaultTimeoutMs: 5 * 60_000,
  async run(params, ctx): Promise<RawOutcome> {
    const target = targetOf(ctx);
    const empty = { partitions: null, min_bytes: null, max_bytes: null, ratio: null, empty: null, default_rows: null };
    const evidence: Record<string, unknown> = { table: params.table, exclude: params.exclude, exclude_empty: params.exclude_empty, size: 'pg_table_size (no indexes)' };
    let measured: string | { table: TableRef; partitions: PartitionRow[]; defaultRows: number | null };
    try {
      measured = await readOnly(ctx, target, async (client) => {
        const table = await resolveTable(client, params.table);
        if (!table) return `${params.table} does not exist in ${ctx.environment}`;
        if (table.kind !== 'partitioned table') return `${table.display} is a ${table.kind}, not a partitioned table`;
        return { table, ...(await describePartitions(client, table)) };
      });
    } catch (err) {
      return errorOutcome(target, err, `sizing the partitions of ${params.table}`, empty, evidence);
    }
    if (typeof measured === 'string') return { status: 'fail', observed: empty, evidence, message: measured };

    const { table, partitions, defaultRows } = measured;
    const excluded = new Set(params.exclude);
    for (const p of partitions) {
      const short = p.partition.slice(p.partition.indexOf('.') + 1);
      if (excluded.has(p.partition) || excluded.has(short)) p.excluded = 'listed in exclude';
      else if (params.exclude_empty && p.empty) p.excluded = 'empty (exclude_empty)';
    }
    const counted = partitions.filter((p) => !p.excluded);
    const sizes = counted.map((p) => p.bytes);
    const min = sizes.length ? Math.min(...sizes) : null;
    const max = sizes.length ? Math.max(...sizes) : null;
    const ratio = min !== null && max !== null && min > 0 ? Math.round((max / min) * 100) / 100 : null;
    const observed = {
      partitions: partitions.length,
      min_bytes: min,
      max_bytes: max,
      ratio,
      empty: partitions.filter((p) => p.empty).length,
      default_rows: defaultRows ?? 0,
    };

    // The band is the plan's: a partition fails it when its size, taken as the smallest or the largest, would.
    const band = (ctx.expectations ?? []).filter((e) => !e.advisory && (e.metric === 'min_bytes' || e.metric === 'max_bytes'));
    for (const p of counted) {
      const broken = band.filter((e) => compareValue(e, p.bytes) === false);
      if (broken.length) p.outside_band = broken.map((e) => describeComparison({ ...e, metric: undefined }, 'bytes')).join(' and ');
    }
    const outside = counted.filter((p) => p.outside_band);
    evidence.table = table.display;
    evidence.band = band.length ? band.map((e: Expectation) => describeComparison(e, 'bytes')) : null;
    evidence.partitions = partitions;
    evidence.default_partition = partitions.find((p) => p.default)?.partition ?? null;
    if (outside.length) evidence.outside_band = outside.map((p) => `${p.partition} ${p.size}`);

    const smallest = counted.find((p) => p.bytes === min);
    const largest = counted.find((p) => p.bytes === max);
    const range = smallest && largest ? `${formatBytes(min!)} (${shortName(smallest)}) to ${formatBytes(max!)} (${shortName(largest)})` : 'no partition counted';
    const defaultText = evidence.default_partition ? `, default partition ${observed.default_rows.toLocaleString('en')} rows` : ', no default partition';
    const outsideText = outside.length ? `; outside the band: ${listShort(outside.map((p) => `${shortName(p)} ${p.size}`), 3)}` : '';
    return {
      status: 'pass',
      observed,
      evidence,
      message: `${partitions.length} partitions, ${range}${ratio !== null ? `, ratio ${ratio}` : ''}${defaultText}${outsideText}`,
    };
  },
});

function shortName(p: PartitionRow): string {
  return p.partition.slice(p.partition.indexOf('.') + 1);
}

async function describePartitions(client: pg.ClientBase, table: TableRef): Promise<{ partitions: PartitionRow[]; defaultRows: number | null }> {
  const leaves = await leafRelations(client, table);
  const { rows } = await client.query<{ oid: string; bound: string | null; bytes: string; reltuples: number }>(
    `SELECT c.oid::int8::text AS oid, pg_get_expr(c.relpartbound, c.oid) AS bound, pg_table_size(c.oid)::text AS bytes, c.reltuples
       FROM pg_class c WHERE c.oid = ANY($1::oid[])`,
    [leaves.map((l) => l.oid)],
  );
  const byOid = new Map(rows.map((r) => [Number(r.oid), r]));
  const partitions: PartitionRow[] = [];
  let defaultRows: number | null = null;
  for (const leaf of leaves) {
    const info = byOid.get(leaf.oid)!;
    const isDefault = info.bound === 'DEFAULT';
    // Emptiness is exact and cheap: the scan stops at the first row.
    const any = await client.query<{ found: boolean }>(`SELECT EXISTS (SELECT 1 FROM ${leaf.sql}) AS found`);
    const isEmpty = !any.rows[0]!.found;
    if (isDefault) {
      const counted = await client.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${leaf.sql}`);
      defaultRows = (defaultRows ?? 0) + Number(counted.rows[0]!.n);
    }
    const bytes = Number(info.bytes);
    partitions.push({
      partition: leaf.display,
      bound: info.bound ?? '',
      bytes,
      size: formatBytes(bytes),
      estimated_rows: info.reltuples >= 0 ? Math.round(info.reltuples) : null,
      empty: isEmpty,
      default: isDefault,
    });
  }
  return { partitions, defaultRows };
}
