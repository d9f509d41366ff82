import { createHash } from 'node:crypto';
import type pg from 'pg';

/**
 * The demo data set: a scaled, deterministic stand-in for the seed's
 * villa_canabrava geometries (12.45 M rows, 2.8 GB, 2025-2029).
 *
 * - public.bairros: 400 neighbourhoods, a 20 × 20 grid of 0.02° (~2.1 km)
 *   squares over Goiânia (GO), as MultiPolygons, for spatial joins and the
 *   foreign key.
 * - public.catalogo_geometrias: `rows` small polygons (lots, 5-30 m across)
 *   over the same extent, created_at spread uniformly over 2025-01-01 ..
 *   2029-12-31 UTC. The catalogue was imported neighbourhood by
 *   neighbourhood: ids, and so the table's physical order, follow space
 *   (bairro 1 first, then 2, …), not time. That is what makes a time window
 *   expensive on the unpartitioned table (its BRIN on created_at finds every
 *   block range overlapping) and what partitioning by created_at fixes, as in
 *   the seed's production table.
 * - public.catalogo_busca: the search view (materialized) with its indexes.
 *
 * Every value comes from generate_series and hashint8extended of the row
 * number: the same rows on every build, no random().
 */

/** Where the data lies; the pgbench scripts draw their parameters inside it. */
export const DEMO_EXTENT = {
  xmin: -49.45,
  ymin: -16.85,
  xmax: -49.05,
  ymax: -16.45,
  /** First and last instant (exclusive) of created_at, UTC. */
  createdFrom: '2025-01-01T00:00:00Z',
  createdUntil: '2030-01-01T00:00:00Z',
} as const;

export const DEMO_BAIRROS = 400;

const SCHEMA_SQL = `
CREATE TABLE public.bairros (
  id integer NOT NULL,
  name text NOT NULL,
  geom geometry(MultiPolygon, 4326) NOT NULL
);

CREATE SEQUENCE public.catalogo_geometrias_id_seq;
CREATE TABLE public.catalogo_geometrias (
  id bigint NOT NULL DEFAULT nextval('public.catalogo_geometrias_id_seq'::regclass),
  code text NOT NULL,
  geom geometry(Polygon, 4326) NOT NULL,
  centroid geometry(Point, 4326),
  area double precision,
  bairro_id integer,
  created_at timestamptz NOT NULL,
  updated_at timestamptz,
  properties jsonb
);
ALTER SEQUENCE public.catalogo_geometrias_id_seq OWNED BY public.catalogo_geometrias.id;
`;

const BAIRROS_SQL = `
INSERT INTO public.bairros (id, name, geom)
SELECT r * 20 + c + 1,
       format('Setor %s%s', chr(65 + r), lpad((c + 1)::text, 2, '0')),
       ST_Multi(ST_MakeEnvelope(-49.45 + c * 0.02, -16.85 + r * 0.02,
                                -49.45 + (c + 1) * 0.02, -16.85 + (r + 1) * 0.02, 4326))
FROM generate_series(0, 19) AS r, generate_series(0, 19) AS c
`;

/*
 * One row per i in $1 .. min($1 + $3 - 1, $2) of $2 rows. Each nesting level
 * is fenced with OFFSET 0 so the planner computes its columns once instead of
 * inlining the expressions into every use (which tripled the cost of building
 * each polygon).
 *
 * Row i lies in grid cell (bairro) floor((i - 1) * 400 / $2), at a hashed
 * position wholly inside it. The polygon is a quadrilateral with one corner in each
 * quadrant around its centre, so it is always simple, valid and anticlockwise.
 */
const DATA_SQL = `
INSERT INTO public.catalogo_geometrias (id, code, geom, centroid, area, bairro_id, created_at, updated_at, properties)
SELECT p.i,
       'CG' || lpad(p.i::text, 10, '0'),
       p.geom,
       ST_Centroid(p.geom),
       ST_Area(p.geom::geography),
       CASE WHEN p.a % 50 = 0 THEN NULL ELSE p.cell + 1 END,
       p.created_at,
       CASE WHEN p.a % 3 = 0 THEN p.created_at + make_interval(mins => (p.b % 129600)::int) END,
       jsonb_build_object(
         'tipo', (ARRAY['lote', 'edificacao', 'area_verde', 'via', 'equipamento'])[1 + (p.a >> 8) % 5],
         'zona', 'ZR' || (1 + (p.a >> 16) % 4),
         'pavimentos', 1 + (p.a >> 24) % 12,
         'fonte', 'levantamento-2024')
FROM (
  SELECT c.*,
         ST_SetSRID(ST_MakePolygon(ST_MakeLine(ARRAY[
           ST_MakePoint(c.cx - c.w * c.k1, c.cy - c.w * c.k2),
           ST_MakePoint(c.cx + c.w * c.k3, c.cy - c.w * c.k4),
           ST_MakePoint(c.cx + c.w * c.k5, c.cy + c.w * c.k6),
           ST_MakePoint(c.cx - c.w * c.k7, c.cy + c.w * c.k8),
           ST_MakePoint(c.cx - c.w * c.k1, c.cy - c.w * c.k2)])), 4326) AS geom
  FROM (
    SELECT h.i, h.a, h.b, h.cell,
           -- kept 0.0003° (the largest half-size) inside the cell, so each lot lies wholly in its bairro
           -49.45 + 0.02 * (h.cell % 20) + 0.0003 + 0.0194 * ((h.x & 4294967295)::float8 / 4294967296) AS cx,
           -16.85 + 0.02 * (h.cell / 20) + 0.0003 + 0.0194 * ((h.y & 4294967295)::float8 / 4294967296) AS cy,
           0.00005 + 0.00025 * (((h.shape >> 48) & 65535)::float8 / 65536) AS w,
           0.6 + 0.4 * ((h.shape & 63)::float8 / 63) AS k1,
           0.6 + 0.4 * (((h.shape >> 6) & 63)::float8 / 63) AS k2,
           0.6 + 0.4 * (((h.shape >> 12) & 63)::float8 / 63) AS k3,
           0.6 + 0.4 * (((h.shape >> 18) & 63)::float8 / 63) AS k4,
           0.6 + 0.4 * (((h.shape >> 24) & 63)::float8 / 63) AS k5,
           0.6 + 0.4 * (((h.shape >> 30) & 63)::float8 / 63) AS k6,
           0.6 + 0.4 * (((h.shape >> 36) & 63)::float8 / 63) AS k7,
           0.6 + 0.4 * (((h.shape >> 42) & 63)::float8 / 63) AS k8,
           -- 157766400 s = 2025-01-01 .. 2030-01-01 UTC
           timestamptz '2025-01-01 00:00:00+00' + make_interval(secs => h.b % 157766400) AS created_at
    FROM (
      SELECT s.i,
             (s.i - 1) * 400 / $2::bigint AS cell,
             abs(hashint8extended(s.i, 11)) AS a,
             abs(hashint8extended(s.i, 12)) AS b,
             hashint8extended(s.i, 13) AS x,
             hashint8extended(s.i, 14) AS y,
             hashint8extended(s.i, 15) AS shape
      FROM generate_series($1::bigint, LEAST($1::bigint + $3::bigint - 1, $2::bigint)) AS s(i)
      OFFSET 0
    ) h
    OFFSET 0
  ) c
  OFFSET 0
) p
`;

/** Keys, foreign key and indexes: built after the load, which is much faster than maintaining them row by row. */
const INDEX_SQL = `
ALTER TABLE public.bairros ADD CONSTRAINT bairros_pkey PRIMARY KEY (id);
CREATE INDEX bairros_geom_gist ON public.bairros USING gist (geom);

ALTER TABLE public.catalogo_geometrias ADD CONSTRAINT catalogo_geometrias_pkey PRIMARY KEY (id);
ALTER TABLE public.catalogo_geometrias
  ADD CONSTRAINT catalogo_geometrias_bairro_id_fkey FOREIGN KEY (bairro_id) REFERENCES public.bairros (id);
CREATE INDEX catalogo_geometrias_geom_gist ON public.catalogo_geometrias USING gist (geom);
CREATE INDEX catalogo_geometrias_centroid_gist ON public.catalogo_geometrias USING gist (centroid);
CREATE INDEX catalogo_geometrias_created_at_brin ON public.catalogo_geometrias USING brin (created_at);
CREATE INDEX catalogo_geometrias_created_at_idx ON public.catalogo_geometrias (created_at);
CREATE INDEX catalogo_geometrias_code_idx ON public.catalogo_geometrias (code);
CREATE INDEX catalogo_geometrias_bairro_id_idx ON public.catalogo_geometrias (bairro_id);

CREATE MATERIALIZED VIEW public.catalogo_busca AS
SELECT g.id, g.code, g.bairro_id, b.name AS bairro_nome, g.properties ->> 'tipo' AS tipo,
       g.created_at, g.area, g.centroid
FROM public.catalogo_geometrias g
LEFT JOIN public.bairros b ON b.id = g.bairro_id;
CREATE UNIQUE INDEX catalogo_busca_id_key ON public.catalogo_busca (id);
CREATE INDEX catalogo_busca_centroid_gist ON public.catalogo_busca USING gist (centroid);
CREATE INDEX catalogo_busca_tipo_created_at_idx ON public.catalogo_busca (tipo, created_at);
CREATE INDEX catalogo_busca_bairro_id_idx ON public.catalogo_busca (bairro_id);
`;

/**
 * Changes whenever the SQL above changes, so a template built by an older
 * version of this file is rebuilt rather than reused.
 */
export const DATASET_VERSION = createHash('sha256')
  .update([SCHEMA_SQL, BAIRROS_SQL, DATA_SQL, INDEX_SQL].join('\u0000'))
  .digest('hex')
  .slice(0, 16);

/** Rows per INSERT: keeps each statement (and its WAL) moderate at 1 M+ rows. */
const BATCH_ROWS = 250_000;

/** Extensions the checks use; PostGIS is required, the others are installed when the server has them. */
const OPTIONAL_EXTENSIONS = ['amcheck', 'pgstattuple'];

/**
 * Load the data set into an empty database `client` is connected to.
 * Returns the extensions installed.
 */
export async function loadDemoDataset(client: pg.ClientBase, rows: number, log: (line: string) => void = () => {}): Promise<string[]> {
  if (!Number.isInteger(rows) || rows < 1) throw new Error(`rows must be a positive integer, got ${rows}`);
  // JIT compiling the generator costs a second and saves nothing here.
  await client.query('SET jit = off');
  await client.query('CREATE EXTENSION IF NOT EXISTS postgis');
  const installed = ['postgis'];
  const available = await client.query<{ name: string }>('SELECT name FROM pg_available_extensions WHERE name = ANY($1)', [OPTIONAL_EXTENSIONS]);
  for (const { name } of available.rows) {
    await client.query(`CREATE EXTENSION IF NOT EXISTS ${name}`);
    installed.push(name);
  }

  await client.query(SCHEMA_SQL);
  await client.query(BAIRROS_SQL);
  for (let first = 1; first <= rows; first += BATCH_ROWS) {
    await client.query(DATA_SQL, [first, rows, BATCH_ROWS]);
    log(`  loaded ${Math.min(first + BATCH_ROWS - 1, rows).toLocaleString('en')} / ${rows.toLocaleString('en')} rows`);
  }
  await client.query(`SELECT setval('public.catalogo_geometrias_id_seq', $1::bigint)`, [rows]);
  await client.query(INDEX_SQL);
  log('  keys, indexes and the search view built');
  // Frozen, all-visible and analyzed once here, so every copy starts that way.
  await client.query('VACUUM (FREEZE, ANALYZE)');
  log(`  vacuumed and analyzed; extensions: ${installed.join(', ')}`);
  await client.query('RESET jit');
  return installed;
}
