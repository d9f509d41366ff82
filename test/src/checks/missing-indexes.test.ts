import { afterAll, describe, expect, it } from 'vitest';
import { migratedDatabase, plainDatabase, runCheck, type TestDatabase } from './integrity-support.js';

/** "Missing indices: None detected", with the demo plan's expected set. */
const EXPECTED = [
  { method: 'gist', columns: ['geom'] },
  { method: 'gist', columns: ['centroid'] },
  { method: 'brin', columns: ['created_at'] },
  { method: 'btree', columns: ['created_at'] },
  { method: 'btree', columns: ['code'] },
  { method: 'btree', columns: ['bairro_id'] },
];

describe('missing_indexes', () => {
  const opened: TestDatabase[] = [];
  const track = (db: TestDatabase) => (opened.push(db), db);
  afterAll(async () => {
    await Promise.all(opened.map((db) => db.drop()));
  });

  it('finds every expected index on the partitioned table, and an index for its foreign key', async () => {
    const db = track(await migratedDatabase('mi_ok'));
    const outcome = await runCheck('missing_indexes', { table: 'public.catalogo_geometrias', expected: EXPECTED }, { shadow: db.url });
    expect(outcome.status).toBe('pass');
    expect(outcome.observed).toEqual({ missing: 0 });
    expect(outcome.message).toBe('all 7 expected indexes present and valid on public.catalogo_geometrias');
  });

  it('names the missing GiST index, and the foreign key left without an index', async () => {
    const db = track(await plainDatabase('mi_missing'));
    await db.sql('DROP INDEX public.catalogo_geometrias_centroid_gist; DROP INDEX public.catalogo_geometrias_bairro_id_idx');
    const outcome = await runCheck('missing_indexes', { table: 'public.catalogo_geometrias', expected: EXPECTED }, { staging: db.url });
    expect(outcome.status).toBe('fail');
    expect(outcome.observed).toEqual({ missing: 3 });
    expect(outcome.message).toBe(
      'public.catalogo_geometrias lacks 3 indexes: gist (centroid) expected by the plan, btree (bairro_id) expected by the plan, btree (bairro_id) for foreign key catalogo_geometrias_bairro_id_fkey',
    );
  });

  it('counts an invalid index as missing, and says it exists', async () => {
    const db = track(await plainDatabase('mi_invalid'));
    await db.sql('DROP INDEX public.catalogo_geometrias_code_idx');
    await db.sql(`UPDATE public.catalogo_geometrias SET code = 'dup' WHERE id IN (1, 2)`);
    await expect(db.sql('CREATE UNIQUE INDEX CONCURRENTLY catalogo_geometrias_code_uq ON public.catalogo_geometrias (code)')).rejects.toThrow(/could not create unique index/);
    const outcome = await runCheck('missing_indexes', { table: 'public.catalogo_geometrias', expected: [{ method: 'btree', columns: ['code'] }], fk_columns: false }, { staging: db.url });
    expect(outcome.status).toBe('fail');
    expect(outcome.message).toBe('public.catalogo_geometrias lacks an index: btree (code) expected by the plan [public.catalogo_geometrias_code_uq exists but is invalid]');
  });
});
