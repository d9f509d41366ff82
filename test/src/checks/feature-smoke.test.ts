import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeGroup } from '../../../src/checks/execute.js';
import { difference } from '../../../src/checks/feature-smoke.js';
import { migrateDatabase } from '../../../src/demo/setup.js';
import { loadPlanFile } from '../../../src/plan/load.js';
import { allChecks, findCheckpoint, type Check } from '../../../src/plan/schema.js';
import { fromRoot } from '../../../src/paths.js';
import { createDemoTestDatabase, type DemoTestDatabase } from '../demo/support.js';
import { baseContext, checkOf, UNREACHABLE_URL } from './support.js';

/**
 * The application features of the shipped demo plan (cp2's APPLICATION
 * VALIDATION: spatial search, map rendering, distances, filters,
 * aggregates) run on a migrated copy of the demo data and compared with an
 * unmigrated one: the migration changes no answer. A changed row, too few
 * rows, a broken query each fail, saying why.
 */
describe('feature_smoke', () => {
  let migrated: DemoTestDatabase;
  let original: DemoTestDatabase;
  const plan = loadPlanFile(fromRoot('plans/demo.yaml')).plan;
  const features = allChecks(findCheckpoint(plan, 'cp2')!).filter((c) => c.type === 'feature_smoke');
  const ctx = () =>
    baseContext({ plan, environment: 'staging', targetUrl: migrated.url, environmentUrl: (env) => (env === 'shadow' ? original.url : undefined) });
  const run = async (check: Check) => (await executeGroup([check], ctx())).get(check.id)!;

  beforeAll(async () => {
    migrated = await createDemoTestDatabase('fsmig');
    original = await createDemoTestDatabase('fsorig');
    await migrateDatabase(migrated.url);
  });
  afterAll(async () => {
    await migrated?.drop();
    await original?.drop();
  });

  it('the demo plan exercises five features, each compared with shadow', () => {
    expect(features.map((f) => f.id)).toEqual(['spatial_search', 'map_rendering', 'distance_queries', 'geometry_filtering', 'aggregate_queries']);
  });

  it('gives the same answers on the partitioned table as on the original one', async () => {
    for (const feature of features) {
      const out = await run(feature);
      expect(out.status, `${feature.id}: ${out.message}`).toBe('pass');
      expect(out.observed.matches).toBe(true);
      expect(out.observed.rows as number).toBeGreaterThan(0);
      expect(out.message).toMatch(/the same answer as on shadow/);
    }
    // The answers are not empty: the spatial search finds geometries in the first bairro.
    const search = await run(features[0]!);
    expect(search.observed.value as number).toBeGreaterThan(0);
  });

  it('a changed row is a regression, with the difference in words', async () => {
    const aggregate = features.find((f) => f.id === 'aggregate_queries')!;
    await migrated.client.query(`UPDATE public.catalogo_geometrias SET area = area + 1 WHERE id = (SELECT min(id) FROM public.catalogo_geometrias WHERE created_at >= '2028-01-01' AND created_at < '2028-07-01')`);
    const out = await run(aggregate);
    expect(out.status).toBe('fail');
    expect(out.observed.matches).toBe(false);
    expect(out.message).toMatch(/a different answer than on shadow \(\d+ rows against \d+; here only \[.*\]; there only \[.*\]\)/);
  });

  it('too few rows, a query that fails and a missing reference are failures or errors, never passes', async () => {
    const few = await run(checkOf('feature_smoke', { feature: 'Empty search', query: `SELECT id FROM public.catalogo_geometrias WHERE false`, min_rows: 1 }) as Check);
    expect(few.status).toBe('fail');
    expect(few.message).toMatch(/0 rows .*fewer than the 1 it must return/);

    const broken = await run(checkOf('feature_smoke', { feature: 'Broken', query: `SELECT nope FROM public.catalogo_geometrias` }) as Check);
    expect(broken.status).toBe('error');
    expect(broken.message).toMatch(/Broken does not work on staging: .*nope/);

    const writes = await run(checkOf('feature_smoke', { feature: 'Writer', query: `DELETE FROM public.bairros RETURNING id` }) as Check);
    expect(writes.status).toBe('error');
    expect(writes.message).toBe('Writer does not work on staging: the query tried to write inside a read-only check');

    const noReference = await run(checkOf('feature_smoke', { feature: 'Search', query: `SELECT 1`, compare: { environment: 'production' } }) as Check);
    expect(noReference.status).toBe('error');

    const unreachable = (await executeGroup([checkOf('feature_smoke', { feature: 'Search', query: 'SELECT 1' }) as Check], baseContext({ targetUrl: UNREACHABLE_URL }))).values().next().value!;
    expect(unreachable.status).toBe('error');
  });

  it('compares rows as a set: order does not matter, duplicates do', () => {
    const a = { columns: ['x'], rows: [[1], [2], [2]] };
    expect(difference(a, { columns: ['x'], rows: [[2], [1], [2]] })).toBeUndefined();
    expect(difference(a, { columns: ['x'], rows: [[1], [2]] })).toBe('3 rows against 2; here only [2]');
    expect(difference(a, { columns: ['y'], rows: a.rows })).toBe('columns x against y');
  });
});
