import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNREACHABLE_URL } from './support.js';
import { migratedDatabase, runCheck, type TestDatabase } from './integrity-support.js';

/** CHECKPOINT 2's INDEX HEALTH on the partitioned table and the search view. */
interface IndexRow {
  index: string;
  level: string;
  valid: boolean;
  fragmentation?: Record<string, unknown>;
}

describe('index_health', () => {
  let shadow: TestDatabase;
  const opened: TestDatabase[] = [];
  const track = (db: TestDatabase) => (opened.push(db), db);
  beforeAll(async () => {
    shadow = track(await migratedDatabase('ih_shadow'));
  });
  afterAll(async () => {
    await Promise.all(opened.map((db) => db.drop()));
  });

  it('finds the GiST, BRIN and search-view indexes present, valid and ready, partitions included', async () => {
    const gist = await runCheck('index_health', { table: 'public.catalogo_geometrias', methods: ['gist'], min_count: 2 }, { shadow: shadow.url });
    expect(gist.status).toBe('pass');
    expect(gist.observed).toMatchObject({ count: 2, invalid: 0, not_ready: 0 });
    expect(gist.message).toBe('2 GiST indexes on public.catalogo_geometrias (and 42 partition indexes) valid and ready');
    expect((gist.evidence.indexes as IndexRow[]).filter((r) => r.level === 'partition')).toHaveLength(42);

    const brin = await runCheck('index_health', { table: 'public.catalogo_geometrias', methods: ['brin'], min_count: 1 }, { shadow: shadow.url });
    expect(brin.status).toBe('pass');
    expect(brin.observed.count).toBe(1);

    const view = await runCheck('index_health', { table: 'public.catalogo_busca', include_partitions: false, min_count: 4 }, { shadow: shadow.url });
    expect(view.status).toBe('pass');
    expect(view.message).toBe('4 indexes on public.catalogo_busca valid and ready');
  });

  it('fails on an invalid index left by a failed CREATE INDEX CONCURRENTLY on a partition', async () => {
    const db = track(await migratedDatabase('ih_invalid'));
    await expect(db.sql('CREATE UNIQUE INDEX CONCURRENTLY p2025q1_bairro_uq ON public.catalogo_geometrias_p2025q1 (bairro_id)')).rejects.toThrow(/could not create unique index/);
    const outcome = await runCheck('index_health', { table: 'public.catalogo_geometrias', methods: ['btree'] }, { shadow: db.url });
    expect(outcome.status).toBe('fail');
    expect(outcome.observed).toMatchObject({ count: 4, invalid: 1, not_ready: 1 });
    expect(outcome.message).toMatch(/^1 invalid index: public\.p2025q1_bairro_uq \(rebuild with REINDEX INDEX CONCURRENTLY/);
    // The plan's own GiST check does not select it: B-tree is not its kind.
    expect((await runCheck('index_health', { table: 'public.catalogo_geometrias', methods: ['gist'], min_count: 2 }, { shadow: db.url })).status).toBe('pass');
  });

  it('fails when an expected kind of index is missing', async () => {
    const db = track(await migratedDatabase('ih_nobrin'));
    await db.sql('DROP INDEX public.catalogo_geometrias_created_at_brin');
    const outcome = await runCheck('index_health', { table: 'public.catalogo_geometrias', methods: ['brin'], min_count: 1 }, { shadow: db.url });
    expect(outcome.status).toBe('fail');
    expect(outcome.observed.count).toBe(0);
    expect(outcome.message).toBe('expected at least 1 BRIN index on public.catalogo_geometrias, found 0');
  });

  it("measures B-tree leaf fragmentation with pgstattuple and holds it to the plan's bound; GiST shows its free space only", async () => {
    const outcome = await runCheck('index_health', { table: 'public.catalogo_geometrias', fragmentation: true }, { shadow: shadow.url }, {
      expect: { metric: 'max_fragmentation_pct', op: '<', value: 10 },
    });
    expect(outcome.status).toBe('pass');
    expect(typeof outcome.observed.max_fragmentation_pct).toBe('number');
    expect(outcome.observed.max_fragmentation_pct).toBeLessThan(10);
    const rows = outcome.evidence.indexes as IndexRow[];
    const btree = rows.find((r) => r.index === 'public.catalogo_geometrias_p2025q1_code_idx')!;
    expect(btree.fragmentation).toHaveProperty('leaf_fragmentation_pct');
    const gist = rows.find((r) => r.index.endsWith('p2025q1_geom_idx'))!;
    expect(gist.fragmentation).toHaveProperty('free_pct');
    expect(outcome.evidence.fragmentation_figure).toMatch(/^B-tree: pgstatindex leaf_fragmentation/);
  });

  it('skips the fragmentation figure, saying why, when pgstattuple is not installed', async () => {
    const db = track(await migratedDatabase('ih_nopgstat'));
    await db.sql('DROP EXTENSION pgstattuple');
    const outcome = await runCheck('index_health', { table: 'public.catalogo_geometrias', fragmentation: true }, { shadow: db.url }, {
      expect: { metric: 'max_fragmentation_pct', op: '<', value: 10 },
    });
    expect(outcome.status).toBe('skipped');
    expect(outcome.observed).toMatchObject({ invalid: 0, max_fragmentation_pct: null });
    expect(outcome.message).toMatch(/fragmentation not measured: the pgstattuple extension is not installed in this database/);
    expect(outcome.evidence.fragmentation).toMatch(/^skipped: the pgstattuple extension is not installed/);
  });

  it('runs amcheck on the B-tree indexes and counts unused indexes since the statistics reset', async () => {
    const outcome = await runCheck('index_health', { table: 'public.catalogo_geometrias', amcheck: true, usage_since: 'stats_reset' }, { shadow: shadow.url });
    expect(outcome.status).toBe('pass');
    expect(outcome.observed.corrupt).toBe(0);
    expect(typeof outcome.observed.unused).toBe('number');
    expect(outcome.evidence.usage).toMatch(/^idx_scan since the statistics were last reset/);
  });

  it('fails on a missing table, and is an error when the database cannot be reached', async () => {
    const missing = await runCheck('index_health', { table: 'public.nope' }, { shadow: shadow.url });
    expect(missing.status).toBe('fail');
    expect(missing.message).toBe('public.nope does not exist in shadow');
    const unreachable = await runCheck('index_health', { table: 'public.catalogo_geometrias' }, { shadow: UNREACHABLE_URL });
    expect(unreachable.status).toBe('error');
    expect(unreachable.message).toMatch(/^cannot connect to shadow: /);
  });
});
