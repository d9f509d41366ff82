import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNREACHABLE_URL } from './support.js';
import { migratedDatabase, plainDatabase, runCheck, type TestDatabase } from './integrity-support.js';

/** CHECKPOINT 1's DATABASE BASELINE: table size, exact row count, index count, against the plan's expectation. */
describe('db_baseline', () => {
  let staging: TestDatabase;
  const opened: TestDatabase[] = [];
  const track = (db: TestDatabase) => (opened.push(db), db);
  beforeAll(async () => {
    staging = track(await plainDatabase('bl_staging'));
  });
  afterAll(async () => {
    await Promise.all(opened.map((db) => db.drop()));
  });

  it('measures the table size as pg_table_size, and holds it to the plan\'s band', async () => {
    const { rows } = await staging.sql(`SELECT pg_table_size('public.catalogo_geometrias')::int8 AS bytes`);
    const bytes = Number(rows[0].bytes);
    const inside = await runCheck('db_baseline', { measure: 'table_size', table: 'public.catalogo_geometrias', snapshot: true }, { staging: staging.url }, {
      expect: { metric: 'bytes', op: 'between', value: Math.floor(bytes * 0.9), max: Math.ceil(bytes * 1.1) },
    });
    expect(inside.status).toBe('pass');
    expect(inside.observed).toEqual({ value: bytes, bytes });
    expect(inside.evidence.snapshot).toBe(true);
    expect(inside.message).toMatch(/^public\.catalogo_geometrias: table size \(heap and TOAST\) [\d.]+ MB \(recorded as the pre-migration snapshot\)$/);

    const outside = await runCheck('db_baseline', { measure: 'table_size', table: 'public.catalogo_geometrias' }, { staging: staging.url }, {
      expect: { metric: 'bytes', op: 'between', value: 58, max: 72, unit: 'MB' },
    });
    expect(outside.status).toBe('fail');
    expect(outside.message).toMatch(/^bytes [\d.]+ MB, target between 58 MB and 72 MB$/);
  });

  it('counts rows exactly and indexes as declared', async () => {
    const count = await runCheck('db_baseline', { measure: 'row_count', table: 'public.catalogo_geometrias' }, { staging: staging.url }, {
      expect: { metric: 'rows', op: '==', value: 20_000 },
    });
    expect(count.status).toBe('pass');
    expect(count.observed).toEqual({ value: 20_000, rows: 20_000 });
    expect(count.message).toBe('public.catalogo_geometrias: 20,000 rows (exact count)');

    const wrong = await runCheck('db_baseline', { measure: 'row_count', table: 'public.catalogo_geometrias' }, { staging: staging.url }, {
      expect: { metric: 'rows', op: 'between', value: 198_000, max: 202_000 },
    });
    expect(wrong.status).toBe('fail');

    const indexes = await runCheck('db_baseline', { measure: 'index_count', table: 'public.catalogo_geometrias' }, { staging: staging.url }, {
      expect: { metric: 'indexes', op: '==', value: 7 },
    });
    expect(indexes.status).toBe('pass');
    expect(indexes.observed).toEqual({ value: 7, indexes: 7 });
  });

  it('sums a partitioned table over its partitions, and counts its declared indexes once', async () => {
    const db = track(await migratedDatabase('bl_part'));
    const { rows } = await db.sql(`SELECT sum(pg_table_size(relid))::int8 AS bytes FROM pg_partition_tree('public.catalogo_geometrias') WHERE isleaf`);
    const size = await runCheck('db_baseline', { measure: 'table_size', table: 'public.catalogo_geometrias' }, { shadow: db.url }, { expect: { metric: 'bytes', op: '>', value: 0 } });
    expect(size.observed.bytes).toBe(Number(rows[0].bytes));
    expect(size.message).toMatch(/over 21 partitions$/);
    const indexes = await runCheck('db_baseline', { measure: 'index_count', table: 'public.catalogo_geometrias' }, { shadow: db.url }, { expect: { metric: 'indexes', op: '==', value: 7 } });
    expect(indexes.status).toBe('pass');
    expect(indexes.evidence.indexes_including_partitions).toBe(7 + 21 * 7);
    const count = await runCheck('db_baseline', { measure: 'row_count', table: 'public.catalogo_geometrias' }, { shadow: db.url }, { expect: { metric: 'rows', op: '==', value: 20_000 } });
    expect(count.status).toBe('pass');
  });

  it('measures the whole database when scope is database', async () => {
    const outcome = await runCheck('db_baseline', { measure: 'index_count', scope: 'database' }, { staging: staging.url }, { expect: { metric: 'indexes', op: '>=', value: 1 } });
    expect(outcome.status).toBe('pass');
    // The table's 7, bairros' 2 and the search view's 4; PostGIS's spatial_ref_sys is the extension's, not counted.
    expect(outcome.observed.indexes).toBe(13);
    expect(outcome.evidence.by_table).toEqual({ 'public.bairros': 2, 'public.catalogo_busca': 4, 'public.catalogo_geometrias': 7 });
  });

  it('fails on a missing table; is an error without a table, or when the database cannot be reached', async () => {
    const missing = await runCheck('db_baseline', { measure: 'row_count', table: 'public.nope' }, { staging: staging.url }, { expect: { metric: 'rows', op: '>', value: 0 } });
    expect(missing.status).toBe('fail');
    expect(missing.message).toBe('public.nope does not exist in staging');
    const noTable = await runCheck('db_baseline', { measure: 'row_count' }, { staging: staging.url }, { expect: { metric: 'rows', op: '>', value: 0 } });
    expect(noTable.status).toBe('error');
    expect(noTable.message).toBe('measure row_count with scope table needs a table');
    const unreachable = await runCheck('db_baseline', { measure: 'row_count', table: 'public.catalogo_geometrias' }, { staging: UNREACHABLE_URL }, { expect: { metric: 'rows', op: '>', value: 0 } });
    expect(unreachable.status).toBe('error');
    expect(unreachable.message).toMatch(/^cannot connect to staging: /);
  });
});
