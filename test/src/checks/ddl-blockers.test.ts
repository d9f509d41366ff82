import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeCheck } from '../../../src/checks/execute.js';
import { normaliseIndex } from '../../../src/checks/schema-drift.js';
import { migrateDatabase } from '../../../src/demo/setup.js';
import { createDemoTestDatabase, type DemoTestDatabase } from '../demo/support.js';
import { baseContext, UNREACHABLE_URL } from './support.js';

/**
 * Two of a DBA's blockers before DDL that golive measures itself:
 * disk_headroom (room for the copy plus its WAL) and schema_drift
 * (production against staging), on demo test databases.
 */
describe('DBA blockers before DDL', () => {
  let prod: DemoTestDatabase;
  let staging: DemoTestDatabase;
  const ctx = () => baseContext({ environment: 'production', targetUrl: prod.url, environmentUrl: (env) => (env === 'staging' ? staging.url : undefined) });

  beforeAll(async () => {
    prod = await createDemoTestDatabase('ddlprod');
    staging = await createDemoTestDatabase('ddlstg');
  });
  afterAll(async () => {
    await prod?.drop();
    await staging?.drop();
  });

  it('disk_headroom: passes when the data directory holds the copy and its WAL, fails when it would not', async () => {
    const ok = await executeCheck({ id: 'disk', type: 'disk_headroom', params: { table: 'public.catalogo_geometrias' } }, ctx());
    expect(ok.raw.status).toBe('pass');
    const observed = ok.raw.observed as Record<string, number>;
    expect(observed.table_bytes).toBeGreaterThan(0);
    expect(observed.needed_bytes).toBe(observed.table_bytes! * 2);
    expect(observed.headroom_bytes).toBe(observed.free_bytes! - observed.needed_bytes!);

    const short = await executeCheck({ id: 'disk', type: 'disk_headroom', params: { table: 'public.catalogo_geometrias', factor: 1e9 } }, ctx());
    expect(short.raw.status).toBe('fail');
    expect(short.raw.message).toMatch(/short/);

    const missing = await executeCheck({ id: 'disk', type: 'disk_headroom', params: { table: 'public.nope' } }, ctx());
    expect(missing.raw).toMatchObject({ status: 'error', message: 'public.nope does not exist on production' });
  });

  it('schema_drift: none between two copies; names the column, index and table that differ', async () => {
    const same = await executeCheck({ id: 'drift', type: 'schema_drift', params: { against: { environment: 'staging' } } }, ctx());
    expect(same.raw.status).toBe('pass');
    expect((same.raw.observed as Record<string, number>).tables).toBeGreaterThan(0);

    await prod.client.query(`ALTER TABLE public.bairros ADD COLUMN hotfix text`);
    await prod.client.query(`CREATE INDEX bairros_name_hotfix ON public.bairros (name)`);
    await staging.client.query(`CREATE TABLE public.only_on_staging (id int)`);
    const drift = await executeCheck({ id: 'drift', type: 'schema_drift', params: { against: { environment: 'staging' } } }, ctx());
    expect(drift.raw.status).toBe('fail');
    const list = (drift.raw.evidence as { drifts: string[] }).drifts;
    expect(list).toEqual(
      expect.arrayContaining([
        'public.bairros.hotfix: only on production (text)',
        'public.bairros index USING btree (name): only on production',
        'public.only_on_staging: only on staging',
      ]),
    );
    expect(drift.raw.observed).toMatchObject({ drifts: 3 });

    const ignored = await executeCheck({ id: 'drift', type: 'schema_drift', params: { against: { environment: 'staging' }, ignore: ['public.bairros', 'public.only_*'] } }, ctx());
    expect(ignored.raw.status).toBe('pass');
  });

  it('schema_drift against a migrated staging: the original table is paired with its _legacy copy', async () => {
    await prod.client.query(`ALTER TABLE public.bairros DROP COLUMN hotfix; DROP INDEX public.bairros_name_hotfix`);
    await staging.client.query(`DROP TABLE public.only_on_staging`);
    const params = { against: { environment: 'staging' }, map: { 'public.catalogo_geometrias': 'public.catalogo_geometrias_legacy' }, ignore: ['public.opt1_*'] };
    // Not migrated (or rolled back): no _legacy there, the table is compared with its namesake.
    const before = await executeCheck({ id: 'drift', type: 'schema_drift', params }, ctx());
    expect(before.raw.status, before.raw.message).toBe('pass');

    await migrateDatabase(staging.url);
    const result = await executeCheck({ id: 'drift', type: 'schema_drift', params }, ctx());
    expect(result.raw.message).toMatch(/^no schema drift between production and staging/);
    expect(result.raw.status).toBe('pass');

    // Without the pairing, the partitioned table is drift: the map is what makes the comparison right.
    const unmapped = await executeCheck({ id: 'drift', type: 'schema_drift', params: { ...params, map: {} } }, ctx());
    expect(unmapped.raw.status).toBe('fail');
    expect(unmapped.raw.message).toMatch(/public\.catalogo_geometrias/);
  });

  it('schema_drift: an unreachable side is an error, not a pass', async () => {
    const result = await executeCheck({ id: 'drift', type: 'schema_drift', params: { against: { environment: 'staging' } } }, baseContext({ targetUrl: UNREACHABLE_URL, environmentUrl: () => staging.url }));
    expect(result.raw.status).toBe('error');
  });

  it('normalises index definitions: names and ONLY left out', () => {
    expect(normaliseIndex('CREATE UNIQUE INDEX foo_pkey ON ONLY public.foo USING btree (id, created_at)')).toBe('UNIQUE USING btree (id, created_at)');
    expect(normaliseIndex('CREATE INDEX foo_geom_gist ON public.foo USING gist (geom)')).toBe('USING gist (geom)');
  });
});
