import { afterAll, describe, expect, it } from 'vitest';
import { UNREACHABLE_URL } from './support.js';
import { migratedDatabase, plainDatabase, runCheck, type TestDatabase } from './integrity-support.js';

/**
 * "Data integrity: 100% verified (no corruption)". Real corruption is made
 * reproducibly: a B-tree built with an operator class whose comparison
 * function is then reversed holds keys in an order its own opclass now
 * calls wrong, which bt_index_check reports as an item order violation (the
 * same damage a collation change does to text indexes).
 */

interface IndexEvidence {
  index: string;
  table: string;
  result: string;
  ms?: number;
  detail?: string;
}

describe('amcheck', () => {
  const opened: TestDatabase[] = [];
  const track = (db: TestDatabase) => (opened.push(db), db);
  const tables = ['public.catalogo_geometrias', 'public.bairros'];
  afterAll(async () => {
    await Promise.all(opened.map((db) => db.drop()));
  });

  it('verifies every B-tree index and heap of the tables, listing each index with its time', async () => {
    const db = track(await plainDatabase('am_plain'));
    const outcome = await runCheck('amcheck', { tables }, { staging: db.url });
    expect(outcome.status).toBe('pass');
    // 4 B-tree indexes on the geometries (key, created_at, code, bairro_id) + bairros' key; 2 heaps.
    expect(outcome.observed).toEqual({ corrupt: 0, relations_checked: 7 });
    const indexes = outcome.evidence.indexes as IndexEvidence[];
    expect(indexes.map((i) => i.index).sort()).toEqual([
      'public.bairros_pkey',
      'public.catalogo_geometrias_bairro_id_idx',
      'public.catalogo_geometrias_code_idx',
      'public.catalogo_geometrias_created_at_idx',
      'public.catalogo_geometrias_pkey',
    ]);
    expect(indexes.every((i) => i.result === 'ok' && typeof i.ms === 'number')).toBe(true);
    expect(outcome.evidence.function).toBe('bt_index_check(index)');
    expect((outcome.evidence.not_covered as { indexes: string[] }).indexes).toContain('public.catalogo_geometrias_geom_gist (gist)');
    expect(outcome.message).toMatch(/^no corruption: 5 B-tree indexes and 2 heaps verified; slowest /);
  });

  it('on a partitioned table, checks the indexes of its partitions', async () => {
    const db = track(await migratedDatabase('am_part'));
    const outcome = await runCheck('amcheck', { tables: ['public.catalogo_geometrias'], heap: false }, { shadow: db.url });
    expect(outcome.status).toBe('pass');
    const indexes = outcome.evidence.indexes as IndexEvidence[];
    // 21 partitions × 4 B-tree indexes each; the partitioned parent's own indexes have no storage.
    expect(indexes).toHaveLength(84);
    expect(new Set(indexes.map((i) => i.table)).size).toBe(21);
    expect(indexes.some((i) => i.table === 'public.catalogo_geometrias_p2025q1')).toBe(true);
  });

  it('finds a corrupt B-tree index (keys out of the order its operator class defines)', async () => {
    const db = track(await plainDatabase('am_corrupt'));
    await db.sql(`
      CREATE FUNCTION public.golive_test_cmp(int4, int4) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT btint4cmp($1, $2)';
      CREATE OPERATOR CLASS public.golive_test_int4_ops FOR TYPE int4 USING btree AS
        OPERATOR 1 <, OPERATOR 2 <=, OPERATOR 3 =, OPERATOR 4 >=, OPERATOR 5 >, FUNCTION 1 public.golive_test_cmp(int4, int4);
      CREATE TABLE public.victim (id int4);
      INSERT INTO public.victim SELECT generate_series(1, 5000);
      CREATE INDEX victim_id_idx ON public.victim (id public.golive_test_int4_ops);
      CREATE OR REPLACE FUNCTION public.golive_test_cmp(int4, int4) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT btint4cmp($2, $1)';
    `);
    const outcome = await runCheck('amcheck', { tables: ['public.victim', 'public.bairros'] }, { staging: db.url });
    expect(outcome.status).toBe('fail');
    expect(outcome.observed).toMatchObject({ corrupt: 1 });
    expect(outcome.message).toMatch(/^corruption found in 1 relation: public\.victim_id_idx: item order invariant violated for index "victim_id_idx"/);
    const indexes = outcome.evidence.indexes as IndexEvidence[];
    expect(indexes.find((i) => i.index === 'public.bairros_pkey')!.result).toBe('ok');
  });

  it('fails on an invalid index it cannot verify (a CREATE INDEX CONCURRENTLY that failed)', async () => {
    const db = track(await plainDatabase('am_invalid'));
    // Unique on a column with repeated values: the build fails and leaves the index behind, invalid.
    await expect(db.sql('CREATE UNIQUE INDEX CONCURRENTLY catalogo_geometrias_bairro_uq ON public.catalogo_geometrias (bairro_id)')).rejects.toThrow(/could not create unique index/);
    const outcome = await runCheck('amcheck', { tables: ['public.catalogo_geometrias'] }, { staging: db.url });
    expect(outcome.status).toBe('fail');
    expect(outcome.observed).toMatchObject({ corrupt: 0 });
    expect(outcome.message).toMatch(/^1 index could not be verified: public\.catalogo_geometrias_bairro_uq \(invalid and not ready: an interrupted CREATE INDEX CONCURRENTLY/);
  });

  it('refuses bt_index_parent_check, which blocks writes', async () => {
    const db = track(await plainDatabase('am_parent'));
    const outcome = await runCheck('amcheck', { tables, parent_check: true }, { staging: db.url });
    expect(outcome.status).toBe('error');
    expect(outcome.message).toMatch(/^parent_check is refused: bt_index_parent_check takes a ShareLock/);
  });

  it('is an error, saying how to fix it, when the amcheck extension is missing', async () => {
    const db = track(await plainDatabase('am_noext'));
    await db.sql('DROP EXTENSION amcheck');
    const outcome = await runCheck('amcheck', { tables }, { staging: db.url });
    expect(outcome.status).toBe('error');
    expect(outcome.message).toBe('the amcheck extension is not installed in this database: a superuser runs CREATE EXTENSION amcheck once');
  });

  it('fails on a table that does not exist, and is an error when the database cannot be reached', async () => {
    const db = track(await plainDatabase('am_missing'));
    const missing = await runCheck('amcheck', { tables: ['public.nope'] }, { staging: db.url });
    expect(missing.status).toBe('fail');
    expect(missing.message).toBe('not found in staging: public.nope');
    const unreachable = await runCheck('amcheck', { tables }, { staging: UNREACHABLE_URL });
    expect(unreachable.status).toBe('error');
    expect(unreachable.message).toMatch(/^cannot connect to staging: /);
  });
});
