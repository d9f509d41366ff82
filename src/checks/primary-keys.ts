import type pg from 'pg';
import { quoteIdent } from '../db/pool.js';
import { primaryKey, resolveTable, tableColumns, type TableRef } from './catalog.js';
import { errorOutcome, plural, readOnly, targetOf } from './read-only.js';
import { defineCheck, type RawOutcome } from './types.js';

/**
 * The table has its primary key, and no key value appears twice or holds a
 * NULL, counted over the rows themselves (a constraint can be defeated by a
 * corrupt index or by rows loaded around it).
 *
 * A partitioned table's primary key must include the partition column: OPT1
 * turns (id) into (id, created_at), which would accept the same id twice
 * with two different dates. The application still takes id as the row's
 * identity, so for such a key the columns without the partition column are
 * checked for duplicates across partitions too.
 */

const SAMPLE_KEYS = 10;

interface KeyCheck {
  columns: string[];
  why: string;
  duplicate_keys: number;
  duplicate_rows: number;
  examples: Array<{ key: string; rows: number }>;
  ms: number;
}

export const primaryKeysCheck = defineCheck({
  type: 'primary_keys',
  defaultTimeoutMs: 30 * 60_000,
  async run(params, ctx): Promise<RawOutcome> {
    const target = targetOf(ctx);
    const empty = { duplicates: null, nulls: null, has_pk: null };
    const evidence: Record<string, unknown> = { table: params.table, columns: params.columns ?? null };
    let measured:
      | string
      | { table: TableRef; hasPk: boolean; constraint: string | null; checks: KeyCheck[]; nulls: number; nullsWhy: string; columns: string[] };
    try {
      measured = await readOnly(ctx, target, async (client) => {
        const table = await resolveTable(client, params.table);
        if (!table) return `${params.table} does not exist in ${ctx.environment}`;
        const pk = await primaryKey(client, table);
        const columns = params.columns ?? pk?.columns;
        if (!columns || columns.length === 0) return `${table.display} has no primary key (and the check names no columns to verify)`;
        const known = new Set((await tableColumns(client, table)).map((c) => c.name));
        const unknown = columns.filter((c) => !known.has(c));
        if (unknown.length) return `${table.display} has no column ${unknown.join(', ')}`;

        const checks: KeyCheck[] = [await duplicatesOf(client, table, columns, params.columns ? 'the columns the check names' : `primary key ${pk!.constraint}`)];
        const reduced = !params.columns && pk ? pk.columns.filter((c) => !pk.partitionColumns.includes(c)) : [];
        if (pk && pk.partitionColumns.length > 0 && reduced.length > 0) {
          checks.push(
            await duplicatesOf(client, table, reduced, `the key without its partition column${pk.partitionColumns.length > 1 ? 's' : ''} ${pk.partitionColumns.join(', ')}, across partitions`),
          );
        }
        const { nulls, why } = await nullsOf(client, table, columns);
        return { table, hasPk: pk !== undefined, constraint: pk?.constraint ?? null, checks, nulls, nullsWhy: why, columns };
      });
    } catch (err) {
      return errorOutcome(target, err, `checking the key of ${params.table}`, empty, evidence);
    }
    if (typeof measured === 'string') return { status: 'fail', observed: { ...empty, has_pk: false }, evidence, message: measured };

    const { table, hasPk, constraint, checks, nulls, nullsWhy, columns } = measured;
    // Duplicates of the narrowest key checked (id across partitions) include those of the full key.
    const worst = checks.reduce((w, c) => (c.duplicate_keys > w.duplicate_keys ? c : w), checks[0]!);
    const observed = { duplicates: worst.duplicate_keys, nulls, has_pk: hasPk };
    Object.assign(evidence, { table: table.display, kind: table.kind, primary_key: constraint, columns, checks, nulls, nulls_how: nullsWhy });

    if (worst.duplicate_keys > 0 || nulls > 0) {
      const parts: string[] = [];
      if (worst.duplicate_keys > 0) {
        const examples = worst.examples.slice(0, 3).map((e) => `${e.key} ×${e.rows}`).join(', ');
        parts.push(`${plural(worst.duplicate_keys, 'duplicate key value')} of (${worst.columns.join(', ')}) over ${worst.duplicate_rows} rows, e.g. ${examples}`);
      }
      if (nulls > 0) parts.push(`${plural(nulls, 'row')} with a NULL key column`);
      return { status: 'fail', observed, evidence, message: `${table.display}: ${parts.join('; ')}` };
    }
    const keys = checks.map((c) => `(${c.columns.join(', ')})`).join(' and ');
    const pkNote = hasPk ? '' : ' (the table has no primary key constraint)';
    return { status: 'pass', observed, evidence, message: `${table.display}: no duplicate or NULL values of ${keys}${pkNote}` };
  },
});

async function duplicatesOf(client: pg.ClientBase, table: TableRef, columns: string[], why: string): Promise<KeyCheck> {
  const cols = columns.map(quoteIdent);
  const keyText = cols.length === 1 ? `${cols[0]}::text` : `ROW(${cols.join(', ')})::text`;
  const notNull = cols.map((c) => `${c} IS NOT NULL`).join(' AND ');
  const started = performance.now();
  const { rows } = await client.query<{ keys: string; rows: string; examples: Array<{ key: string; rows: number }> | null }>(
    `WITH dup AS MATERIALIZED (
       SELECT ${keyText} AS key, count(*) AS n FROM ${table.sql} WHERE ${notNull} GROUP BY ${cols.join(', ')} HAVING count(*) > 1)
     SELECT (SELECT count(*) FROM dup)::text AS keys, (SELECT coalesce(sum(n), 0) FROM dup)::text AS rows,
            (SELECT json_agg(json_build_object('key', key, 'rows', n)) FROM (SELECT key, n FROM dup ORDER BY n DESC, key LIMIT ${SAMPLE_KEYS}) e) AS examples`,
  );
  const r = rows[0]!;
  return { columns, why, duplicate_keys: Number(r.keys), duplicate_rows: Number(r.rows), examples: r.examples ?? [], ms: Math.round(performance.now() - started) };
}

/** NOT NULL columns cannot hold NULL: no scan is needed for them. */
async function nullsOf(client: pg.ClientBase, table: TableRef, columns: string[]): Promise<{ nulls: number; why: string }> {
  const info = await tableColumns(client, table);
  const nullable = columns.filter((c) => !info.find((i) => i.name === c)?.notNull);
  if (nullable.length === 0) return { nulls: 0, why: 'every key column is NOT NULL' };
  const { rows } = await client.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table.sql} WHERE ${nullable.map((c) => `${quoteIdent(c)} IS NULL`).join(' OR ')}`);
  return { nulls: Number(rows[0]!.n), why: `counted over ${nullable.join(', ')}` };
}
