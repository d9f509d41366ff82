import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Narrowed } from '../../../src/checks/narrow.js';
import { UNREACHABLE_URL } from './support.js';
import { migratedDatabase, plainDatabase, runCheck, type TestDatabase } from './integrity-support.js';

/**
 * Staging before `cp2 migrate` holds the original table; shadow holds the
 * partitioned one with the same rows. Their digests must agree, and any row
 * changed, deleted or added on one side must be found and narrowed down.
 */

interface TableEvidence {
  table: string;
  status: string;
  reason?: string;
  rows: Record<string, number | null>;
  columns?: string[];
  narrowed?: Narrowed;
}
const tablesOf = (evidence: Record<string, unknown>) => evidence.tables as TableEvidence[];
const TABLES = ['public.catalogo_geometrias', 'public.bairros'];

describe('checksum_compare', () => {
  let shadow: TestDatabase;
  const opened: TestDatabase[] = [];
  const staging = async (label: string) => {
    const db = await plainDatabase(label);
    opened.push(db);
    return db;
  };

  beforeAll(async () => {
    shadow = await migratedDatabase('cs_shadow');
    opened.push(shadow);
  });
  afterAll(async () => {
    await Promise.all(opened.map((db) => db.drop()));
  });

  it('matches the original table in one environment with its partitioned copy in another, every column and geometry compared', async () => {
    const db = await staging('cs_equal');
    const outcome = await runCheck('checksum_compare', { tables: TABLES, against: { environment: 'shadow' } }, { staging: db.url, shadow: shadow.url });
    expect(outcome.status).toBe('pass');
    expect(outcome.observed).toEqual({ matched: 2, mismatched: 0, tables: 2 });
    const geometries = tablesOf(outcome.evidence).find((t) => t.table === 'public.catalogo_geometrias')!;
    expect(geometries.rows).toEqual({ staging: 20_000, shadow: 20_000 });
    expect(geometries.columns).toContain('geom geometry(Polygon,4326) (as bytea)');
    expect(geometries.columns).toHaveLength(9);
    expect(outcome.message).toMatch(/2 tables match shadow/);
  });

  it('finds a changed geometry, a deleted row and an added row, and narrows each to its key range and id', async () => {
    const db = await staging('cs_diff');
    await db.sql(`UPDATE public.catalogo_geometrias SET geom = ST_Translate(geom, 0.000001, 0) WHERE id = 4321`);
    await db.sql(`DELETE FROM public.catalogo_geometrias WHERE id = 777`);
    await db.sql(`INSERT INTO public.catalogo_geometrias (id, code, geom, centroid, area, bairro_id, created_at, updated_at, properties)
                  SELECT 25000, 'CG-extra', geom, centroid, area, bairro_id, created_at, updated_at, properties FROM public.catalogo_geometrias WHERE id = 5`);

    const outcome = await runCheck('checksum_compare', { tables: TABLES, against: { environment: 'shadow' } }, { staging: db.url, shadow: shadow.url });
    expect(outcome.status).toBe('fail');
    expect(outcome.observed).toEqual({ matched: 1, mismatched: 1, tables: 2 });
    expect(outcome.message).toContain('public.catalogo_geometrias');
    expect(outcome.message).toMatch(/1 changed \(id 4321\)/);
    expect(outcome.message).toMatch(/1 only in staging \(id 25000\)/);
    expect(outcome.message).toMatch(/1 only in shadow \(id 777\)/);

    const narrowed = tablesOf(outcome.evidence).find((t) => t.table === 'public.catalogo_geometrias')!.narrowed!;
    expect(narrowed.key).toBe('id');
    expect(narrowed.changed).toEqual(['4321']);
    expect(narrowed.only_here).toEqual(['25000']);
    expect(narrowed.only_in_reference).toEqual(['777']);
    // Each difference sits in a listed range of at most 1000 rows.
    for (const id of [4321n, 777n, 25000n]) {
      const range = narrowed.ranges.find((r) => BigInt(r.from) <= id && id <= BigInt(r.to));
      expect(range, `a range holding id ${id}`).toBeDefined();
      expect(Math.max(range!.rows, range!.reference_rows)).toBeLessThanOrEqual(1000);
    }
    expect(narrowed.ranges.length).toBe(3);
  });

  it('finds a change in a non-geometry column even when row counts agree (jsonb)', async () => {
    const db = await staging('cs_json');
    await db.sql(`UPDATE public.catalogo_geometrias SET properties = properties || '{"zona": "ZR9"}' WHERE id = 15000`);
    const outcome = await runCheck('checksum_compare', { tables: ['public.catalogo_geometrias'], against: { environment: 'shadow' } }, { staging: db.url, shadow: shadow.url });
    expect(outcome.status).toBe('fail');
    expect(outcome.message).toMatch(/20,000 rows on both sides, content differs; 1 changed \(id 15000\)/);
  });

  it('bounds the narrowing when every row differs, and says so', async () => {
    const db = await staging('cs_spread');
    await db.sql('UPDATE public.catalogo_geometrias SET area = area * 2');
    const outcome = await runCheck('checksum_compare', { tables: ['public.catalogo_geometrias'], against: { environment: 'shadow' } }, { staging: db.url, shadow: shadow.url });
    expect(outcome.status).toBe('fail');
    const narrowed = tablesOf(outcome.evidence)[0]!.narrowed!;
    expect(narrowed.stopped).toMatch(/^more than 20 key ranges differ/);
    expect(narrowed.ranges.length).toBeLessThanOrEqual(20);
    expect(narrowed.changed.length).toBeLessThanOrEqual(50);
    expect(narrowed.counts.changed).toBeGreaterThan(50);
  });

  it('compares the partitioned table with its legacy copy in the same environment (against a table)', async () => {
    const db = await migratedDatabase('cs_legacy');
    opened.push(db);
    const params = { tables: ['public.catalogo_geometrias'], against: { table: 'public.catalogo_geometrias_legacy' } };
    const equal = await runCheck('checksum_compare', params, { shadow: db.url });
    expect(equal.status).toBe('pass');
    expect(equal.message).toMatch(/1 table matches public\.catalogo_geometrias_legacy/);

    await db.sql(`UPDATE public.catalogo_geometrias_legacy SET code = 'changed' WHERE id = 9001`);
    const differ = await runCheck('checksum_compare', params, { shadow: db.url });
    expect(differ.status).toBe('fail');
    expect(tablesOf(differ.evidence)[0]!.narrowed!.changed).toEqual(['9001']);
  });

  it('does not depend on column order, and says which tables exist on one side only (tables: all)', async () => {
    const a = await staging('cs_order_a');
    const b = await staging('cs_order_b');
    await a.sql(`CREATE TABLE public.extra (k int PRIMARY KEY, label text, at timestamptz); INSERT INTO public.extra SELECT i, 'x' || i, '2025-01-01'::timestamptz + i * interval '1 day' FROM generate_series(1, 50) i`);
    await b.sql(`CREATE TABLE public.extra (at timestamptz, label text, k int PRIMARY KEY); INSERT INTO public.extra SELECT '2025-01-01'::timestamptz + i * interval '1 day', 'x' || i, i FROM generate_series(1, 50) i`);
    await b.sql(`CREATE TABLE public.only_in_b (k int)`);
    const outcome = await runCheck('checksum_compare', { tables: 'all', against: { environment: 'other' } }, { staging: a.url, other: b.url });
    const byName = new Map(tablesOf(outcome.evidence).map((t) => [t.table, t]));
    expect(byName.get('public.extra')!.status).toBe('match');
    expect(byName.get('public.catalogo_geometrias')!.status).toBe('match');
    expect(byName.get('public.only_in_b')!.reason).toBe('public.only_in_b does not exist in staging');
    // PostGIS's own table is left out: it belongs to the extension.
    expect(byName.has('public.spatial_ref_sys')).toBe(false);
    expect(outcome.status).toBe('fail');
    expect(outcome.observed).toMatchObject({ mismatched: 1 });
  });

  it('with algorithm md5 agrees on equal content and finds the changed table', async () => {
    const db = await staging('cs_md5');
    const params = { tables: ['public.bairros'], against: { environment: 'shadow' }, algorithm: 'md5' };
    expect((await runCheck('checksum_compare', params, { staging: db.url, shadow: shadow.url })).status).toBe('pass');
    await db.sql(`UPDATE public.bairros SET name = 'Setor Z99' WHERE id = 17`);
    const differ = await runCheck('checksum_compare', params, { staging: db.url, shadow: shadow.url });
    expect(differ.status).toBe('fail');
    expect(tablesOf(differ.evidence)[0]!.narrowed!.changed).toEqual(['17']);
  });

  it('names a table missing on one side', async () => {
    const db = await staging('cs_missing');
    const outcome = await runCheck('checksum_compare', { tables: ['public.no_such_table'], against: { environment: 'shadow' } }, { staging: db.url, shadow: shadow.url });
    expect(outcome.status).toBe('fail');
    expect(outcome.message).toContain('public.no_such_table exists on neither side');
  });

  it('is an error with a plain reason when the reference environment cannot be reached', async () => {
    const db = await staging('cs_unreach');
    const outcome = await runCheck('checksum_compare', { tables: TABLES, against: { environment: 'shadow' } }, { staging: db.url, shadow: UNREACHABLE_URL });
    expect(outcome.status).toBe('error');
    expect(outcome.message).toMatch(/^cannot connect to shadow: connection refused by 127\.0\.0\.1:1/);
  });

  it('is an error naming the variable when the reference environment has no URL', async () => {
    const db = await staging('cs_nourl');
    const outcome = await runCheck('checksum_compare', { tables: TABLES, against: { environment: 'shadow' } }, { staging: db.url }, {
      context: { plan: { environments: { staging: { url_var: 'GOLIVE_ENV_STAGING_URL' }, shadow: { url_var: 'GOLIVE_ENV_SHADOW_URL' } } } as never },
    });
    expect(outcome.status).toBe('error');
    expect(outcome.message).toBe('environment "shadow" has no URL here: set GOLIVE_ENV_SHADOW_URL');
  });
});
