import { afterAll, describe, expect, it } from 'vitest';
import { migratedDatabase, plainDatabase, runCheck, type TestDatabase } from './integrity-support.js';

/** "Primary key integrity: No duplicates", on the original table and on the partitioned one. */
describe('primary_keys', () => {
  const opened: TestDatabase[] = [];
  const track = (db: TestDatabase) => (opened.push(db), db);
  afterAll(async () => {
    await Promise.all(opened.map((db) => db.drop()));
  });

  it('passes on the original table: its key, no duplicates, no NULLs (NOT NULL spares the scan)', async () => {
    const db = track(await plainDatabase('pk_plain'));
    const outcome = await runCheck('primary_keys', { table: 'public.catalogo_geometrias' }, { staging: db.url });
    expect(outcome.status).toBe('pass');
    expect(outcome.observed).toEqual({ duplicates: 0, nulls: 0, has_pk: true });
    expect(outcome.evidence).toMatchObject({ primary_key: 'catalogo_geometrias_pkey', columns: ['id'], nulls_how: 'every key column is NOT NULL' });
  });

  it('on the partitioned table, finds an id repeated in two partitions although the key (id, created_at) accepts it', async () => {
    const db = track(await migratedDatabase('pk_part'));
    const clean = await runCheck('primary_keys', { table: 'public.catalogo_geometrias' }, { shadow: db.url });
    expect(clean.status).toBe('pass');
    expect(clean.message).toBe('public.catalogo_geometrias: no duplicate or NULL values of (id, created_at) and (id)');

    // Same id, another quarter: another partition, and a different (id, created_at).
    await db.sql(`INSERT INTO public.catalogo_geometrias (id, code, geom, centroid, area, bairro_id, created_at, updated_at, properties)
                  SELECT id, code, geom, centroid, area, bairro_id, created_at + interval '1 year', updated_at, properties
                  FROM public.catalogo_geometrias WHERE id = 1234`);
    const outcome = await runCheck('primary_keys', { table: 'public.catalogo_geometrias' }, { shadow: db.url });
    expect(outcome.status).toBe('fail');
    expect(outcome.observed).toEqual({ duplicates: 1, nulls: 0, has_pk: true });
    expect(outcome.message).toBe('public.catalogo_geometrias: 1 duplicate key value of (id) over 2 rows, e.g. 1234 ×2');
    const checks = outcome.evidence.checks as Array<{ columns: string[]; duplicate_keys: number }>;
    expect(checks.map((c) => [c.columns, c.duplicate_keys])).toEqual([
      [['id', 'created_at'], 0],
      [['id'], 1],
    ]);

    // The plan names the application's key itself.
    const named = await runCheck('primary_keys', { table: 'public.catalogo_geometrias', columns: ['id'] }, { shadow: db.url });
    expect(named.status).toBe('fail');
    expect(named.observed.duplicates).toBe(1);
  });

  it('finds duplicates and NULLs on a table without a unique constraint when the columns are named', async () => {
    const db = track(await plainDatabase('pk_nouniq'));
    await db.sql(`CREATE TABLE public.import_batch (ref int, payload text); INSERT INTO public.import_batch VALUES (1, 'a'), (2, 'b'), (2, 'b again'), (3, 'c'), (3, 'c'), (3, 'c'), (NULL, 'no ref')`);
    const outcome = await runCheck('primary_keys', { table: 'public.import_batch', columns: ['ref'] }, { staging: db.url });
    expect(outcome.status).toBe('fail');
    expect(outcome.observed).toEqual({ duplicates: 2, nulls: 1, has_pk: false });
    expect(outcome.message).toBe('public.import_batch: 2 duplicate key values of (ref) over 5 rows, e.g. 3 ×3, 2 ×2; 1 row with a NULL key column');
  });

  it('fails a table with no primary key when no columns are named, and a column that does not exist', async () => {
    const db = track(await plainDatabase('pk_none'));
    await db.sql('CREATE TABLE public.loose (a int)');
    const none = await runCheck('primary_keys', { table: 'public.loose' }, { staging: db.url });
    expect(none.status).toBe('fail');
    expect(none.observed.has_pk).toBe(false);
    expect(none.message).toBe('public.loose has no primary key (and the check names no columns to verify)');
    const typo = await runCheck('primary_keys', { table: 'public.catalogo_geometrias', columns: ['idd'] }, { staging: db.url });
    expect(typo.message).toBe('public.catalogo_geometrias has no column idd');
  });
});
