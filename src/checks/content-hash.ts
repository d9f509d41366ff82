import type pg from 'pg';
import { quoteIdent } from '../db/pool.js';
import { inSavepoint } from './read-only.js';
import { primaryKey, tableColumns, type TableRef } from './catalog.js';

/**
 * An order-independent digest of a table's logical content: every column of
 * every row, geometries included, independent of the physical layout (column
 * order, partitioning, page order, bounding boxes cached in geometries).
 *
 * Each row is hashed to 64 bits with hash_record_extended over its columns in
 * name order; the table's digest is the row count and the sum of the row
 * hashes (a sum, not an xor, so two equal rows do not cancel out). A column
 * whose type has no extended hash function (geometry, geography, json, point)
 * is read as bytea when the type has a cast to it (geometries become EWKB:
 * coordinates and SRID, nothing physical) and as text otherwise. Converting
 * geometries to text is what makes row::text digests slow; bytea avoids it.
 */

export interface HashedColumn {
  name: string;
  type: string;
  /** How the column enters the row hash. */
  as: 'value' | 'bytea' | 'text';
}

export interface RowHash {
  columns: HashedColumn[];
  /** SQL: a bigint per row, over the table's own column names. */
  expression: string;
}

/**
 * Session settings that make text forms of values identical on both sides
 * (only columns hashed as text depend on them).
 */
export const DIGEST_SETTINGS = `SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO, YMD'; SET LOCAL IntervalStyle = 'postgres'; SET LOCAL extra_float_digits = 1`;

/** The row-hash expression for `table`, probing each column type once. */
export async function rowHashOf(client: pg.ClientBase, table: TableRef): Promise<RowHash> {
  const columns = (await tableColumns(client, table)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const modes = new Map<number, HashedColumn['as']>();
  for (const column of columns) {
    if (modes.has(column.typeOid)) continue;
    modes.set(column.typeOid, await hashModeOf(client, column.typeOid, column.baseType));
  }
  const hashed = columns.map((c) => ({ name: c.name, type: c.type, as: modes.get(c.typeOid) ?? 'text' }));
  const parts = hashed.map((c) => (c.as === 'value' ? quoteIdent(c.name) : `${quoteIdent(c.name)}::${c.as}`));
  return { columns: hashed, expression: `hash_record_extended(ROW(${parts.join(', ')}), 0)` };
}

/**
 * Whether values of a type can be hashed as they are. The probe asks the
 * server itself (its type cache knows domains, arrays and composites) with a
 * NULL of that type; `baseType` is format_type's output, quoted by the server.
 */
async function hashModeOf(client: pg.ClientBase, typeOid: number, baseType: string): Promise<HashedColumn['as']> {
  const probe = await inSavepoint(client, () => client.query(`SELECT hash_record_extended(ROW(NULL::${baseType}), 0)`));
  if (probe.ok) return 'value';
  const { rows } = await client.query<{ bytea: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM pg_cast WHERE castsource = $1::oid AND casttarget = 'bytea'::regtype) AS bytea`,
    [typeOid],
  );
  return rows[0]?.bytea ? 'bytea' : 'text';
}

export interface TableDigest {
  rows: number;
  /** Sum of the row hashes, as text (it exceeds 64 bits). */
  sum: string;
  ms: number;
}

/** The whole table's digest (all partitions when partitioned). */
export async function tableDigest(client: pg.ClientBase, table: TableRef, hash: RowHash): Promise<TableDigest> {
  const started = performance.now();
  const { rows } = await client.query<{ rows: string; sum: string }>(
    `SELECT count(*)::text AS rows, coalesce(sum(h), 0)::text AS sum FROM (SELECT ${hash.expression} AS h FROM ${table.sql}) s`,
  );
  const row = rows[0]!;
  return { rows: Number(row.rows), sum: row.sum, ms: Math.round(performance.now() - started) };
}

/**
 * The ordered, exact variant (algorithm md5): the md5 of every row's text
 * form, sorted and digested again. Slow (every value becomes text), but a
 * digest a person can recompute with psql.
 */
export async function tableMd5(client: pg.ClientBase, table: TableRef, hash: RowHash): Promise<TableDigest> {
  const started = performance.now();
  const row = `ROW(${hash.columns.map((c) => quoteIdent(c.name)).join(', ')})::text`;
  const { rows } = await client.query<{ rows: string; sum: string | null }>(
    `SELECT count(*)::text AS rows, md5(string_agg(d, '' ORDER BY d COLLATE "C")) AS sum FROM (SELECT md5(${row}) AS d FROM ${table.sql}) s`,
  );
  const r = rows[0]!;
  return { rows: Number(r.rows), sum: r.sum ?? 'empty', ms: Math.round(performance.now() - started) };
}

/** Integer types a key can be bisected over arithmetically. */
const INTEGER_TYPES = new Set(['smallint', 'integer', 'bigint']);

export interface SplitKey {
  column: string;
  /** format_type of the column, used to cast bounds so the key's index serves the range. */
  type: string;
}

/**
 * The column ranges are cut on: the first column of the primary key (the
 * partitioned table's key (id, created_at) and the original's (id) share
 * `id`). Undefined when there is no key or it is not an integer.
 */
export async function splitKeyOf(client: pg.ClientBase, table: TableRef): Promise<SplitKey | { problem: string }> {
  const key = await primaryKey(client, table);
  const first = key?.columns[0];
  if (!first) return { problem: `${table.display} has no primary key to narrow the difference by` };
  const columns = await tableColumns(client, table);
  const column = columns.find((c) => c.name === first);
  if (!column || !INTEGER_TYPES.has(column.baseType)) {
    return { problem: `the key column ${first} of ${table.display} is ${column?.type ?? 'unknown'}: ranges are cut on integer keys only` };
  }
  return { column: first, type: column.baseType };
}

export interface KeyBounds {
  min: bigint;
  max: bigint;
}

export async function keyBounds(client: pg.ClientBase, table: TableRef, key: SplitKey): Promise<KeyBounds | undefined> {
  const k = quoteIdent(key.column);
  const { rows } = await client.query<{ min: string | null; max: string | null }>(`SELECT min(${k})::text AS min, max(${k})::text AS max FROM ${table.sql}`);
  const r = rows[0];
  if (!r?.min || !r.max) return undefined;
  return { min: BigInt(r.min), max: BigInt(r.max) };
}

export interface BucketDigest {
  bucket: number;
  rows: number;
  sum: string;
}

/**
 * Digests of `buckets` equal slices of the key range [from, to] (inclusive),
 * in one pass: the slice of a row is (key - from) / width.
 */
export async function bucketDigests(
  client: pg.ClientBase,
  table: TableRef,
  hash: RowHash,
  key: SplitKey,
  range: { from: bigint; to: bigint; width: bigint },
): Promise<Map<number, BucketDigest>> {
  const k = quoteIdent(key.column);
  const { rows } = await client.query<{ bucket: string; rows: string; sum: string }>(
    `SELECT div(${k}::numeric - $1::numeric, $3::numeric)::text AS bucket, count(*)::text AS rows, sum(h)::text AS sum
       FROM (SELECT ${k}, ${hash.expression} AS h FROM ${table.sql} WHERE ${k} BETWEEN $1::${key.type} AND $2::${key.type}) s
      GROUP BY 1`,
    [range.from.toString(), range.to.toString(), range.width.toString()],
  );
  return new Map(rows.map((r) => [Number(r.bucket), { bucket: Number(r.bucket), rows: Number(r.rows), sum: r.sum }]));
}

/** Every row's key and hash in [from, to], for the final comparison of a small range. */
export async function rowHashes(client: pg.ClientBase, table: TableRef, hash: RowHash, key: SplitKey, from: bigint, to: bigint): Promise<Array<{ key: string; hash: string }>> {
  const k = quoteIdent(key.column);
  const { rows } = await client.query<{ key: string; hash: string }>(
    `SELECT ${k}::text AS key, (${hash.expression})::text AS hash FROM ${table.sql} WHERE ${k} BETWEEN $1::${key.type} AND $2::${key.type} ORDER BY ${k}`,
    [from.toString(), to.toString()],
  );
  return rows;
}
