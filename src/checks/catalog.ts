import type pg from 'pg';
import { quoteIdent } from '../db/pool.js';

/**
 * Catalog look-ups the integrity checks share. A table named by the plan is
 * resolved by the server (`to_regclass`, the name passed as a parameter), and
 * every identifier that goes back into SQL text is the catalog's own name,
 * quoted with quoteIdent: nothing from the plan is pasted into a query raw.
 */

export type RelationKind = 'table' | 'partitioned table' | 'materialized view' | 'view' | 'foreign table' | 'other';

const KINDS: Record<string, RelationKind> = { r: 'table', p: 'partitioned table', m: 'materialized view', v: 'view', f: 'foreign table' };

export interface TableRef {
  oid: number;
  schema: string;
  name: string;
  /** schema.name as people write it. */
  display: string;
  /** "schema"."name": safe inside SQL text. */
  sql: string;
  kind: RelationKind;
}

export function tableRef(row: { oid: number; schema: string; name: string; relkind: string }): TableRef {
  return {
    oid: Number(row.oid),
    schema: row.schema,
    name: row.name,
    display: `${row.schema}.${row.name}`,
    sql: `${quoteIdent(row.schema)}.${quoteIdent(row.name)}`,
    kind: KINDS[row.relkind] ?? 'other',
  };
}

const RELATION_COLUMNS = `c.oid::int8 AS oid, n.nspname AS schema, c.relname AS name, c.relkind::text AS relkind`;

/** The relation a plan names (`table` or `schema.table`), or undefined when it does not exist. */
export async function resolveTable(client: pg.ClientBase, name: string): Promise<TableRef | undefined> {
  const { rows } = await client.query<{ oid: number; schema: string; name: string; relkind: string }>(
    `SELECT ${RELATION_COLUMNS} FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass($1)`,
    [name],
  );
  return rows[0] ? tableRef(rows[0]) : undefined;
}

/** Resolve every name; the missing ones are listed instead of thrown. */
export async function resolveTables(client: pg.ClientBase, names: readonly string[]): Promise<{ found: TableRef[]; missing: string[] }> {
  const found: TableRef[] = [];
  const missing: string[] = [];
  for (const name of names) {
    const ref = await resolveTable(client, name);
    if (ref) found.push(ref);
    else missing.push(name);
  }
  return { found, missing };
}

/**
 * The relations that hold the rows: the table itself when it is plain, its
 * leaf partitions (any depth) when it is partitioned.
 */
export async function leafRelations(client: pg.ClientBase, table: TableRef): Promise<TableRef[]> {
  if (table.kind !== 'partitioned table') return [table];
  const { rows } = await client.query<{ oid: number; schema: string; name: string; relkind: string }>(
    `SELECT ${RELATION_COLUMNS}
       FROM pg_partition_tree($1::regclass) t
       JOIN pg_class c ON c.oid = t.relid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE t.isleaf
      ORDER BY n.nspname, c.relname`,
    [table.oid],
  );
  return rows.map(tableRef);
}

export interface ColumnInfo {
  name: string;
  typeOid: number;
  /** format_type's text, e.g. "geometry(Polygon,4326)". */
  type: string;
  /** The type without its modifier, e.g. "geometry": usable in a cast. */
  baseType: string;
  notNull: boolean;
}

/** The table's columns in their physical order. */
export async function tableColumns(client: pg.ClientBase, table: TableRef): Promise<ColumnInfo[]> {
  const { rows } = await client.query<{ name: string; type_oid: number; type: string; base_type: string; not_null: boolean }>(
    `SELECT a.attname AS name, a.atttypid::int8 AS type_oid, format_type(a.atttypid, a.atttypmod) AS type,
            format_type(a.atttypid, NULL) AS base_type, a.attnotnull AS not_null
       FROM pg_attribute a
      WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [table.oid],
  );
  return rows.map((r) => ({ name: r.name, typeOid: Number(r.type_oid), type: r.type, baseType: r.base_type, notNull: r.not_null }));
}

export interface KeyInfo {
  constraint: string;
  columns: string[];
  /** Columns of the partition key that the primary key had to include (PostgreSQL requires it). */
  partitionColumns: string[];
}

/** The primary key's columns in key order, or undefined when the table has none. */
export async function primaryKey(client: pg.ClientBase, table: TableRef): Promise<KeyInfo | undefined> {
  const { rows } = await client.query<{ constraint: string; columns: string[]; partition_columns: string[] | null }>(
    `SELECT con.conname AS constraint,
            ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
                   ORDER BY k.ord) AS columns,
            ARRAY(SELECT a.attname::text FROM pg_partitioned_table pt
                   CROSS JOIN LATERAL unnest(pt.partattrs::int2[]) p(attnum)
                    JOIN pg_attribute a ON a.attrelid = pt.partrelid AND a.attnum = p.attnum
                   WHERE pt.partrelid = con.conrelid) AS partition_columns
       FROM pg_constraint con
      WHERE con.conrelid = $1 AND con.contype = 'p'`,
    [table.oid],
  );
  const row = rows[0];
  if (!row) return undefined;
  return { constraint: row.constraint, columns: row.columns, partitionColumns: (row.partition_columns ?? []).filter((c) => row.columns.includes(c)) };
}

/** Which extensions are installed in the current database. */
export async function installedExtensions(client: pg.ClientBase, names: readonly string[]): Promise<Map<string, string>> {
  const { rows } = await client.query<{ extname: string; extversion: string }>('SELECT extname, extversion FROM pg_extension WHERE extname = ANY($1)', [names]);
  return new Map(rows.map((r) => [r.extname, r.extversion]));
}

export interface IndexInfo {
  oid: number;
  schema: string;
  name: string;
  /** schema.name */
  display: string;
  /** Quoted, safe inside SQL text. */
  sql: string;
  table: string;
  tableOid: number;
  method: string;
  /** Key columns in order; an expression key shows as its text. */
  columns: string[];
  valid: boolean;
  ready: boolean;
  live: boolean;
  unique: boolean;
  primary: boolean;
  /** Index of a partitioned table: has no storage of its own. */
  partitioned: boolean;
  /** The partitioned index this one is attached to, if any. */
  parent: string | null;
  bytes: number;
  definition: string;
}

/** Every index on the given relations (by oid), with validity and method. */
export async function indexesOf(client: pg.ClientBase, relationOids: readonly number[]): Promise<IndexInfo[]> {
  if (relationOids.length === 0) return [];
  const { rows } = await client.query<{
    oid: number;
    schema: string;
    name: string;
    table_schema: string;
    table_name: string;
    table_oid: number;
    method: string;
    columns: string[];
    valid: boolean;
    ready: boolean;
    live: boolean;
    unique: boolean;
    primary: boolean;
    relkind: string;
    parent: string | null;
    bytes: string;
    definition: string;
  }>(
    `SELECT ic.oid::int8 AS oid, n.nspname AS schema, ic.relname AS name,
            tn.nspname AS table_schema, tc.relname AS table_name, tc.oid::int8 AS table_oid,
            am.amname AS method,
            ARRAY(SELECT CASE WHEN k.attnum = 0 THEN pg_get_indexdef(x.indexrelid, k.ord::int, true) ELSE a.attname::text END
                    FROM unnest(x.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
                    LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum
                   WHERE k.ord <= x.indnkeyatts
                   ORDER BY k.ord) AS columns,
            x.indisvalid AS valid, x.indisready AS ready, x.indislive AS live,
            x.indisunique AS unique, x.indisprimary AS primary, ic.relkind::text AS relkind,
            (SELECT pn.nspname || '.' || pc.relname FROM pg_inherits i
               JOIN pg_class pc ON pc.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = pc.relnamespace
              WHERE i.inhrelid = ic.oid LIMIT 1) AS parent,
            pg_relation_size(ic.oid)::text AS bytes,
            pg_get_indexdef(ic.oid) AS definition
       FROM pg_index x
       JOIN pg_class ic ON ic.oid = x.indexrelid
       JOIN pg_namespace n ON n.oid = ic.relnamespace
       JOIN pg_class tc ON tc.oid = x.indrelid
       JOIN pg_namespace tn ON tn.oid = tc.relnamespace
       JOIN pg_am am ON am.oid = ic.relam
      WHERE x.indrelid = ANY($1::oid[])
      ORDER BY tn.nspname, tc.relname, ic.relname`,
    [relationOids],
  );
  return rows.map((r) => ({
    oid: Number(r.oid),
    schema: r.schema,
    name: r.name,
    display: `${r.schema}.${r.name}`,
    sql: `${quoteIdent(r.schema)}.${quoteIdent(r.name)}`,
    table: `${r.table_schema}.${r.table_name}`,
    tableOid: Number(r.table_oid),
    method: r.method,
    columns: r.columns,
    valid: r.valid,
    ready: r.ready,
    live: r.live,
    unique: r.unique,
    primary: r.primary,
    partitioned: r.relkind === 'I',
    parent: r.parent,
    bytes: Number(r.bytes),
    definition: r.definition,
  }));
}

/** The table and, when partitioned, every partition below it (any depth, leaves and intermediate levels). */
export async function relationTree(client: pg.ClientBase, table: TableRef): Promise<TableRef[]> {
  if (table.kind !== 'partitioned table') return [table];
  const { rows } = await client.query<{ oid: number; schema: string; name: string; relkind: string }>(
    `SELECT ${RELATION_COLUMNS}
       FROM pg_partition_tree($1::regclass) t
       JOIN pg_class c ON c.oid = t.relid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      ORDER BY t.level, n.nspname, c.relname`,
    [table.oid],
  );
  return rows.map(tableRef);
}

/**
 * Every table holding application data: ordinary and partitioned tables
 * outside the system schemas, partitions folded into their parent, tables
 * that belong to an extension (PostGIS's spatial_ref_sys) left out.
 */
export async function userTables(client: pg.ClientBase): Promise<TableRef[]> {
  const { rows } = await client.query<{ oid: number; schema: string; name: string; relkind: string }>(
    `SELECT ${RELATION_COLUMNS}
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
        AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp)'
        AND NOT EXISTS (SELECT 1 FROM pg_depend d
                         WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
      ORDER BY n.nspname, c.relname`,
  );
  return rows.map(tableRef);
}
