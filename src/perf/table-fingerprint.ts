import type pg from 'pg';

/**
 * What the rollback drill compares before and after each rollback and each
 * re-migration: the table's kind (partitioned or plain), its exact row
 * count, an order-independent content checksum, and its indexes (and its
 * partitions' indexes) valid and ready.
 *
 * The checksum is bit_xor of hash_record_extended over each row. Types
 * without an extended hash function (PostGIS geometry, among others) are
 * hashed through a byte or text form: geometry as EWKB, anything else as
 * text. The expression is built from the column list, which the migrated and
 * the original table share, so both give the same value for the same rows.
 */

export interface TableFingerprint {
  table: string;
  /** r: plain table, p: partitioned table; null when it does not exist. */
  kind: 'r' | 'p' | null;
  rows: number;
  checksum: string;
  partitions: number;
  indexes: number;
  invalidIndexes: string[];
}

export async function fingerprintTable(client: pg.ClientBase, table: string): Promise<TableFingerprint> {
  const kindRow = await client.query<{ relkind: string | null }>(`SELECT (SELECT relkind::text FROM pg_class WHERE oid = to_regclass($1)) AS relkind`, [table]);
  const kind = (kindRow.rows[0]?.relkind ?? null) as TableFingerprint['kind'];
  if (kind === null) return { table, kind, rows: 0, checksum: '', partitions: 0, indexes: 0, invalidIndexes: [] };

  const columns = await client.query<{ name: string; type: string; hashable: boolean }>(
    `SELECT quote_ident(a.attname) AS name, t.typname AS type,
            EXISTS (SELECT 1 FROM pg_opclass oc
                      JOIN pg_am am ON am.oid = oc.opcmethod AND am.amname = 'hash'
                      JOIN pg_amproc ap ON ap.amprocfamily = oc.opcfamily AND ap.amprocnum = 2
                                       AND ap.amproclefttype = oc.opcintype
                     WHERE oc.opcdefault AND oc.opcintype = a.atttypid) AS hashable
       FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
      WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [table],
  );
  const parts = columns.rows.map((c) => (c.hashable ? c.name : ['geometry', 'geography'].includes(c.type) ? `ST_AsEWKB(${c.name})` : `${c.name}::text`));
  // ROW(...) of one column is still a record; an empty column list cannot happen for a real table.
  const { rows } = await client.query<{ rows: string; checksum: string | null }>(
    `SELECT count(*)::text AS rows, coalesce(bit_xor(hash_record_extended(ROW(${parts.join(', ')}), 0)), 0)::text AS checksum FROM ${table}`,
  );

  const indexes = await client.query<{ name: string; valid: boolean }>(
    `SELECT x.indexrelid::regclass::text AS name, (x.indisvalid AND x.indisready) AS valid
       FROM pg_index x
      WHERE x.indrelid = $1::regclass
         OR x.indrelid IN (SELECT relid FROM pg_partition_tree($1::regclass) WHERE level > 0)`,
    [table],
  );
  const partitions = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_partition_tree($1::regclass) WHERE level > 0 AND isleaf`, [table]);
  return {
    table,
    kind,
    rows: Number(rows[0]!.rows),
    checksum: rows[0]!.checksum ?? '0',
    partitions: partitions.rows[0]!.n,
    indexes: indexes.rows.length,
    invalidIndexes: indexes.rows.filter((i) => !i.valid).map((i) => i.name),
  };
}
