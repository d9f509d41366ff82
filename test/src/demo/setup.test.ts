import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { datasetFingerprint } from '../../../src/demo/checksum.js';
import { loadDemoDataset } from '../../../src/demo/dataset.js';
import { createDatabaseFromTemplate, databaseExists, databaseUrl, dropDatabase, withAdminClient } from '../../../src/demo/databases.js';
import { environmentLines, setupDemo } from '../../../src/demo/setup.js';
import { ensureDemoTemplate, templateMarker, templateName } from '../../../src/demo/template.js';
import { SERVER_URL } from '../../support/constants.js';
import { uniqueDatabaseName } from './support.js';

// Builds and migrations on a shared 2-core machine: generous room, no timing asserted.
const SLOW = 300_000;

const created: string[] = [];
afterAll(async () => {
  for (const name of created.reverse()) await dropDatabase(SERVER_URL, name);
}, SLOW);

async function connect(name: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: databaseUrl(SERVER_URL, name) });
  client.on('error', () => {});
  await client.connect();
  return client;
}

/** Build the data set into a brand-new empty database (no template involved). */
async function buildFresh(rows: number): Promise<string> {
  const name = uniqueDatabaseName('build');
  await withAdminClient(SERVER_URL, (admin) => admin.query(`CREATE DATABASE ${name} TEMPLATE template0`));
  created.push(name);
  const client = await connect(name);
  try {
    await loadDemoDataset(client, rows);
  } finally {
    await client.end();
  }
  return name;
}

describe('the demo data set', () => {
  it('is identical on two separate builds', async () => {
    const [first, second] = await Promise.all([buildFresh(5_000), buildFresh(5_000)]);
    const a = await connect(first);
    const b = await connect(second);
    try {
      const fa = await datasetFingerprint(a);
      const fb = await datasetFingerprint(b);
      expect(fa.geometrias.rows).toBe(5_000);
      expect(fa.bairros.rows).toBe(400);
      expect(fa.busca.rows).toBe(5_000);
      expect(fb).toEqual(fa);
    } finally {
      await a.end();
      await b.end();
    }
  }, SLOW);

  it('has the promised shape: extent, dates, valid polygons, neighbourhoods, indexes, extensions', async () => {
    const name = await buildFresh(4_000);
    const client = await connect(name);
    try {
      const facts = await client.query(`
        SELECT count(*)::int AS rows, min(id)::int AS min_id, max(id)::int AS max_id,
               count(*) FILTER (WHERE NOT ST_IsValid(geom))::int AS invalid,
               count(*) FILTER (WHERE bairro_id IS NULL)::int AS without_bairro,
               min(created_at) >= '2025-01-01 00:00+00' AND max(created_at) < '2030-01-01 00:00+00' AS dates_in_range,
               count(DISTINCT date_trunc('quarter', created_at AT TIME ZONE 'UTC'))::int AS quarters,
               ST_XMin(ST_Extent(geom)) > -49.46 AND ST_XMax(ST_Extent(geom)) < -49.04
                 AND ST_YMin(ST_Extent(geom)) > -16.86 AND ST_YMax(ST_Extent(geom)) < -16.44 AS in_extent,
               max(ST_Area(geom::geography)) < 5000 AS small,
               bool_and(abs(area - ST_Area(geom::geography)) < 1e-6) AS area_matches,
               bool_and(ST_Equals(centroid, ST_Centroid(geom))) AS centroid_matches
        FROM public.catalogo_geometrias`);
      expect(facts.rows[0]).toEqual({
        rows: 4_000,
        min_id: 1,
        max_id: 4_000,
        invalid: 0,
        without_bairro: expect.any(Number),
        dates_in_range: true,
        quarters: 20,
        in_extent: true,
        small: true,
        area_matches: true,
        centroid_matches: true,
      });
      expect(facts.rows[0].without_bairro).toBeGreaterThan(0);
      expect(facts.rows[0].without_bairro).toBeLessThan(200);

      // Each geometry lies wholly in the neighbourhood it points to.
      const misplaced = await client.query(`SELECT count(*)::int AS n FROM public.catalogo_geometrias g JOIN public.bairros b ON b.id = g.bairro_id
                                            WHERE NOT ST_Contains(b.geom, g.geom)`);
      expect(misplaced.rows[0].n).toBe(0);

      // Physical order follows space: ids run neighbourhood by neighbourhood.
      const order = await client.query(`SELECT bool_and(bairro_id >= lag_bairro) AS ordered FROM (
                                          SELECT bairro_id, lag(bairro_id) OVER (ORDER BY id) AS lag_bairro FROM public.catalogo_geometrias WHERE bairro_id IS NOT NULL) s`);
      expect(order.rows[0].ordered).toBe(true);

      const next = await client.query(`SELECT nextval('public.catalogo_geometrias_id_seq')::int AS id`);
      expect(next.rows[0].id).toBe(4_001);

      const indexes = await client.query(`SELECT indexrelid::regclass::text AS name FROM pg_index
                                          WHERE indrelid IN ('public.catalogo_geometrias'::regclass, 'public.catalogo_busca'::regclass) ORDER BY 1`);
      expect(indexes.rows.map((r) => r.name)).toEqual([
        'catalogo_busca_bairro_id_idx',
        'catalogo_busca_centroid_gist',
        'catalogo_busca_id_key',
        'catalogo_busca_tipo_created_at_idx',
        'catalogo_geometrias_bairro_id_idx',
        'catalogo_geometrias_centroid_gist',
        'catalogo_geometrias_code_idx',
        'catalogo_geometrias_created_at_brin',
        'catalogo_geometrias_created_at_idx',
        'catalogo_geometrias_geom_gist',
        'catalogo_geometrias_pkey',
      ]);
      const fk = await client.query(`SELECT convalidated FROM pg_constraint WHERE conname = 'catalogo_geometrias_bairro_id_fkey'`);
      expect(fk.rows).toEqual([{ convalidated: true }]);

      const extensions = await client.query(`SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY 1`);
      expect(extensions.rows.map((r) => r.extname)).toEqual(['amcheck', 'pgstattuple', 'postgis']);
    } finally {
      await client.end();
    }
  }, SLOW);
});

describe('ensureDemoTemplate', () => {
  it('builds once, reuses a template with the same rows and version, and rebuilds when they differ', async () => {
    const prefix = uniqueDatabaseName('tpl');
    const name = templateName(prefix);
    created.push(name);

    const first = await ensureDemoTemplate({ serverUrl: SERVER_URL, prefix, rows: 300 });
    expect(first).toEqual({ name, built: true });
    const again = await ensureDemoTemplate({ serverUrl: SERVER_URL, prefix, rows: 300 });
    expect(again).toEqual({ name, built: false });

    const info = await withAdminClient(SERVER_URL, (admin) =>
      admin.query(`SELECT datistemplate, datallowconn, shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1`, [name]),
    );
    expect(info.rows[0]).toEqual({ datistemplate: true, datallowconn: false, comment: templateMarker(300) });

    const bigger = await ensureDemoTemplate({ serverUrl: SERVER_URL, prefix, rows: 400 });
    expect(bigger.built).toBe(true);

    // Copies and drops work on it, and a copy has the template's rows.
    const copy = uniqueDatabaseName('copy');
    created.push(copy);
    const url = await createDatabaseFromTemplate(SERVER_URL, name, copy);
    expect(url).toBe(databaseUrl(SERVER_URL, copy));
    const client = await connect(copy);
    try {
      expect((await client.query('SELECT count(*)::int AS n FROM public.catalogo_geometrias')).rows[0].n).toBe(400);
    } finally {
      await client.end();
    }
    await dropDatabase(SERVER_URL, copy);
    expect(await databaseExists(SERVER_URL, copy)).toBe(false);
  }, SLOW);

  it('lets parallel callers share one build', async () => {
    const prefix = uniqueDatabaseName('par');
    created.push(templateName(prefix));
    const results = await Promise.all([1, 2, 3].map(() => ensureDemoTemplate({ serverUrl: SERVER_URL, prefix, rows: 200 })));
    expect(results.filter((r) => r.built)).toHaveLength(1);
  }, SLOW);

  it('refuses unsafe names', async () => {
    await expect(dropDatabase(SERVER_URL, 'postgres')).rejects.toThrow(/system database/);
    await expect(dropDatabase(SERVER_URL, 'x"; DROP')).rejects.toThrow(/not a usable database name/);
  });
});

describe('setupDemo', () => {
  it('creates the three environments from the template and migrates shadow only', async () => {
    const prefix = uniqueDatabaseName('env');
    created.push(`${prefix}_template`, `${prefix}_shadow`, `${prefix}_staging`, `${prefix}_production`);
    const lines: string[] = [];
    const result = await setupDemo({ serverUrl: SERVER_URL, prefix, rows: 2_000, log: (l) => lines.push(l) });

    expect(result.template).toBe(`${prefix}_template`);
    expect(result.environments.map((e) => [e.name, e.database, e.migrated])).toEqual([
      ['shadow', `${prefix}_shadow`, true],
      ['staging', `${prefix}_staging`, false],
      ['production', `${prefix}_production`, false],
    ]);
    expect(lines.some((l) => l.includes('swap_tables'))).toBe(true);

    const kinds: Record<string, string> = {};
    for (const env of result.environments) {
      const client = await connect(env.database);
      try {
        const r = await client.query(`SELECT relkind::text AS k FROM pg_class WHERE oid = 'public.catalogo_geometrias'::regclass`);
        kinds[env.name] = r.rows[0].k;
        expect((await client.query('SELECT count(*)::int AS n FROM public.catalogo_geometrias')).rows[0].n).toBe(2_000);
      } finally {
        await client.end();
      }
    }
    expect(kinds).toEqual({ shadow: 'p', staging: 'r', production: 'r' });

    expect(environmentLines('postgres://postgres:secret@127.0.0.1:5432/postgres', result)).toEqual([
      `GOLIVE_ENV_SHADOW_URL=postgres://postgres:***@127.0.0.1:5432/${prefix}_shadow`,
      `GOLIVE_ENV_STAGING_URL=postgres://postgres:***@127.0.0.1:5432/${prefix}_staging`,
      `GOLIVE_ENV_PRODUCTION_URL=postgres://postgres:***@127.0.0.1:5432/${prefix}_production`,
    ]);

    // Running it again rebuilds the environments cleanly (shadow is unmigrated, then migrated, again).
    const again = await setupDemo({ serverUrl: SERVER_URL, prefix, rows: 2_000 });
    expect(again.templateBuilt).toBe(false);
    expect(again.environments.every((e) => e.name !== 'shadow' || e.migrated)).toBe(true);
  }, SLOW);
});
