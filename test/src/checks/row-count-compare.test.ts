import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Narrowed } from '../../../src/checks/narrow.js';
import { UNREACHABLE_URL } from './support.js';
import { migratedDatabase, plainDatabase, runCheck, type TestDatabase } from './integrity-support.js';

/** The seed's "Row count match: 12,450,000 = Shadow (0% variance)", on the 20,000-row test data. */
describe('row_count_compare', () => {
  let shadow: TestDatabase;
  const opened: TestDatabase[] = [];
  const track = (db: TestDatabase) => (opened.push(db), db);
  const zeroVariance = { metric: 'variance_pct', op: '==', value: 0 };

  beforeAll(async () => {
    shadow = track(await migratedDatabase('rc_shadow'));
  });
  afterAll(async () => {
    await Promise.all(opened.map((db) => db.drop()));
  });

  it('counts exactly on both sides: the original table equals its partitioned copy', async () => {
    const staging = track(await plainDatabase('rc_equal'));
    const outcome = await runCheck(
      'row_count_compare',
      { table: 'public.catalogo_geometrias', against: { environment: 'shadow' }, expected_rows: 12_450_000 },
      { staging: staging.url, shadow: shadow.url },
      { expect: zeroVariance },
    );
    expect(outcome.status).toBe('pass');
    expect(outcome.observed).toEqual({ rows: 20_000, reference_rows: 20_000, difference: 0, variance_pct: 0 });
    expect(outcome.message).toBe("20,000 rows = shadow (0% variance) (the plan's figure: 12,450,000)");
    expect(outcome.evidence.expected_rows).toBe(12_450_000);
    expect(outcome.expected).toMatchObject([{ met: true, advisory: false }]);
  });

  it('fails the plan\'s 0 % on missing rows and lists their ids and key ranges', async () => {
    const staging = track(await plainDatabase('rc_missing'));
    await staging.sql('DELETE FROM public.catalogo_geometrias WHERE id IN (10, 11, 19999)');
    const outcome = await runCheck(
      'row_count_compare',
      { table: 'public.catalogo_geometrias', against: { environment: 'shadow' } },
      { staging: staging.url, shadow: shadow.url },
      { expect: zeroVariance },
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.observed).toEqual({ rows: 19_997, reference_rows: 20_000, difference: -3, variance_pct: 0.015 });
    expect(outcome.message).toMatch(/^0\.02%, target = 0/);
    const narrowed = outcome.evidence.narrowed as Narrowed;
    expect(narrowed.only_in_reference).toEqual(['10', '11', '19999']);
    expect(narrowed.only_here).toEqual([]);
    expect(narrowed.ranges.every((r) => Math.max(r.rows, r.reference_rows) <= 1000)).toBe(true);
  });

  it('compares the partitioned table with its legacy copy in the same environment', async () => {
    const db = track(await migratedDatabase('rc_legacy'));
    const params = { table: 'public.catalogo_geometrias', against: { table: 'public.catalogo_geometrias_legacy' } };
    const equal = await runCheck('row_count_compare', params, { shadow: db.url }, { expect: zeroVariance });
    expect(equal.status).toBe('pass');
    expect(equal.message).toBe('20,000 rows = public.catalogo_geometrias_legacy (0% variance)');

    await db.sql(`INSERT INTO public.catalogo_geometrias (id, code, geom, centroid, area, bairro_id, created_at, updated_at, properties)
                  SELECT 30001, code, geom, centroid, area, bairro_id, created_at, updated_at, properties FROM public.catalogo_geometrias WHERE id = 1`);
    const more = await runCheck('row_count_compare', params, { shadow: db.url }, { expect: zeroVariance });
    expect(more.status).toBe('fail');
    expect(more.observed).toMatchObject({ rows: 20_001, reference_rows: 20_000, difference: 1 });
    expect((more.evidence.narrowed as Narrowed).only_here).toEqual(['30001']);
  });

  it('fails when the table is missing on one side', async () => {
    const staging = track(await plainDatabase('rc_gone'));
    const outcome = await runCheck('row_count_compare', { table: 'public.nothing_here', against: { environment: 'shadow' } }, { staging: staging.url, shadow: shadow.url }, { expect: zeroVariance });
    expect(outcome.status).toBe('fail');
    expect(outcome.message).toBe('public.nothing_here does not exist in staging');
  });

  it('is an error with a plain reason when this environment cannot be reached', async () => {
    const outcome = await runCheck('row_count_compare', { table: 'public.catalogo_geometrias', against: { environment: 'shadow' } }, { staging: UNREACHABLE_URL, shadow: shadow.url }, { expect: zeroVariance });
    expect(outcome.status).toBe('error');
    expect(outcome.message).toMatch(/^cannot connect to staging: connection refused/);
  });
});
