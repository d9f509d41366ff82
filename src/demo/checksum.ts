import type pg from 'pg';

/**
 * Content fingerprints of the demo tables: the row count and an MD5 over every
 * row in id order, each column in a fixed text form (geometries as EWKB hex,
 * times in UTC), so the same rows give the same digest whatever the table's
 * physical layout, partitioning or session time zone.
 *
 * md5(string_agg(…)) is the slowest of the usual table hashes (see NOTES.md)
 * but exact and order-independent of storage; at demo sizes it takes a
 * fraction of a second.
 */

export interface TableFingerprint {
  rows: number;
  md5: string;
}

const GEOMETRIAS_ROW = `concat_ws('|', id, code, encode(ST_AsEWKB(geom), 'hex'), encode(ST_AsEWKB(centroid), 'hex'),
  area::text, bairro_id, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
  to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'), properties::text)`;

/**
 * Fingerprint of a catalogo_geometrias-shaped table (`table` is a trusted
 * identifier, e.g. public.catalogo_geometrias or public.catalogo_geometrias_legacy).
 */
export async function geometriasFingerprint(client: pg.ClientBase, table = 'public.catalogo_geometrias'): Promise<TableFingerprint> {
  const result = await client.query<{ rows: string; md5: string }>(
    `SELECT count(*) AS rows, md5(coalesce(string_agg(${GEOMETRIAS_ROW}, E'\\n' ORDER BY id), '')) AS md5 FROM ${table}`,
  );
  return { rows: Number(result.rows[0]!.rows), md5: result.rows[0]!.md5 };
}

export async function bairrosFingerprint(client: pg.ClientBase): Promise<TableFingerprint> {
  const result = await client.query<{ rows: string; md5: string }>(
    `SELECT count(*) AS rows, md5(coalesce(string_agg(concat_ws('|', id, name, encode(ST_AsEWKB(geom), 'hex')), E'\\n' ORDER BY id), '')) AS md5
     FROM public.bairros`,
  );
  return { rows: Number(result.rows[0]!.rows), md5: result.rows[0]!.md5 };
}

/** Both tables and the search view's content. */
export async function datasetFingerprint(client: pg.ClientBase): Promise<{ geometrias: TableFingerprint; bairros: TableFingerprint; busca: TableFingerprint }> {
  const busca = await client.query<{ rows: string; md5: string }>(
    `SELECT count(*) AS rows,
            md5(coalesce(string_agg(concat_ws('|', id, code, bairro_id, bairro_nome, tipo, area::text, encode(ST_AsEWKB(centroid), 'hex')), E'\\n' ORDER BY id), '')) AS md5
     FROM public.catalogo_busca`,
  );
  return {
    geometrias: await geometriasFingerprint(client),
    bairros: await bairrosFingerprint(client),
    busca: { rows: Number(busca.rows[0]!.rows), md5: busca.rows[0]!.md5 },
  };
}
