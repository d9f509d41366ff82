import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migratedDatabase, plainDatabase, runCheck, type TestDatabase } from './integrity-support.js';

/**
 * "Partition distribution: Balanced (45-280 MB per partition)". The 20,000
 * test rows make quarterly partitions of a few hundred kB; the band here is
 * scaled the same way the demo plan scales the seed's.
 */
const PARAMS = { table: 'public.catalogo_geometrias', exclude: ['catalogo_geometrias_default'], exclude_empty: true };
const BAND = [
  { metric: 'min_bytes', op: '>=', value: 200, unit: 'KB' },
  { metric: 'max_bytes', op: '<=', value: 600, unit: 'KB' },
  { metric: 'default_rows', op: '==', value: 0 },
];

interface PartitionRow {
  partition: string;
  bytes: number;
  empty: boolean;
  default: boolean;
  excluded?: string;
  outside_band?: string;
}

describe('partition_distribution', () => {
  let shadow: TestDatabase;
  const opened: TestDatabase[] = [];
  const track = (db: TestDatabase) => (opened.push(db), db);
  beforeAll(async () => {
    shadow = track(await migratedDatabase('pd_shadow'));
  });
  afterAll(async () => {
    await Promise.all(opened.map((db) => db.drop()));
  });

  it('reports every partition with its bound and size; balanced partitions pass the band', async () => {
    const outcome = await runCheck('partition_distribution', PARAMS, { shadow: shadow.url }, { expect: BAND });
    expect(outcome.status).toBe('pass');
    expect(outcome.observed).toMatchObject({ partitions: 21, empty: 1, default_rows: 0 });
    expect(outcome.observed.ratio).toBeLessThan(1.5);
    const rows = outcome.evidence.partitions as PartitionRow[];
    expect(rows).toHaveLength(21);
    expect(rows.find((r) => r.default)).toMatchObject({ partition: 'public.catalogo_geometrias_default', empty: true, excluded: 'listed in exclude' });
    expect(outcome.evidence.default_partition).toBe('public.catalogo_geometrias_default');
    expect(outcome.message).toMatch(/^21 partitions, \d+ KB \(catalogo_geometrias_p\d{4}q\d\) to \d+ KB \(catalogo_geometrias_p\d{4}q\d\), ratio [\d.]+, default partition 0 rows$/);
  });

  it('fails a partition grown outside the band and names it', async () => {
    const db = track(await migratedDatabase('pd_skew'));
    // Four more copies of 2026 Q1's rows (new ids, same quarter): its partition grows about fivefold.
    for (let copy = 1; copy <= 4; copy++) {
      await db.sql(
        `INSERT INTO public.catalogo_geometrias (id, code, geom, centroid, area, bairro_id, created_at, updated_at, properties)
         SELECT id + $1::bigint, code, geom, centroid, area, bairro_id, created_at, updated_at, properties
         FROM ONLY public.catalogo_geometrias_p2026q1 WHERE id <= 20000`,
        [copy * 100_000],
      );
    }
    const outcome = await runCheck('partition_distribution', PARAMS, { shadow: db.url }, { expect: BAND });
    expect(outcome.status).toBe('fail');
    expect(outcome.message).toMatch(/^max_bytes [\d.]+ KB, target ≤ 600 KB/);
    expect(outcome.evidence.outside_band).toEqual([expect.stringMatching(/^public\.catalogo_geometrias_p2026q1 /)]);
    const grown = (outcome.evidence.partitions as PartitionRow[]).find((r) => r.partition === 'public.catalogo_geometrias_p2026q1')!;
    expect(grown.outside_band).toBe('≤ 600 KB');
  });

  it('fails when rows fall into the default partition', async () => {
    const db = track(await migratedDatabase('pd_default'));
    await db.sql(`INSERT INTO public.catalogo_geometrias (id, code, geom, centroid, area, bairro_id, created_at, updated_at, properties)
                  SELECT 40000 + id, code, geom, centroid, area, bairro_id, '1999-06-01', updated_at, properties
                  FROM public.catalogo_geometrias WHERE id <= 3`);
    const outcome = await runCheck('partition_distribution', PARAMS, { shadow: db.url }, { expect: BAND });
    expect(outcome.status).toBe('fail');
    expect(outcome.observed.default_rows).toBe(3);
    expect(outcome.message).toBe('default_rows 3, target = 0');
  });

  it('fails on a table that is not partitioned', async () => {
    const db = track(await plainDatabase('pd_plain'));
    const outcome = await runCheck('partition_distribution', PARAMS, { staging: db.url }, { expect: BAND });
    expect(outcome.status).toBe('fail');
    expect(outcome.message).toBe('public.catalogo_geometrias is a table, not a partitioned table');
  });
});
