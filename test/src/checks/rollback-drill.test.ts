import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeGroup } from '../../../src/checks/execute.js';
import { systemClock } from '../../../src/clock.js';
import { migrateDatabase } from '../../../src/demo/setup.js';
import { silentLogger } from '../../../src/logger.js';
import { createStepRunner, type StepRunner } from '../../../src/step-runner/index.js';
import { createTestStateDb, type TestStateDb } from '../../support/state-db.js';
import { createDemoTestDatabase, type DemoTestDatabase } from '../demo/support.js';
import { perfCheck, perfContext } from './perf-support.js';

/** The demo plan's rollback drill on a migrated copy of the demo data, with the real step runner and OPT1 files. */
describe('rollback_drill check', () => {
  let state: TestStateDb;
  let runner: StepRunner;
  let migrated: DemoTestDatabase;
  let plain: DemoTestDatabase;

  beforeAll(async () => {
    state = await createTestStateDb('drill');
    runner = createStepRunner({ statePool: state.pool, logger: silentLogger(), clock: systemClock });
    [migrated, plain] = await Promise.all([createDemoTestDatabase('drill'), createDemoTestDatabase('drillplain')]);
    await migrateDatabase(migrated.url);
  });
  afterAll(async () => {
    await migrated?.drop();
    await plain?.drop();
    await state?.drop();
  });

  const kindOf = async (db: DemoTestDatabase) =>
    (await db.client.query(`SELECT relkind::text AS k FROM pg_class WHERE oid = 'public.catalogo_geometrias'::regclass`)).rows[0].k as string;

  it('rolls back, verifies, migrates again and verifies, three times, each repetition timed', { timeout: 600_000 }, async () => {
    const params = { repetitions: 3 };
    const checks = [
      perfCheck('rb_repeat', 'rollback_drill', params, { metric: 'successful_runs', op: '>=', value: 3 }),
      perfCheck('rb_time', 'rollback_drill', params, { metric: 'max_rollback_ms', op: '<', value: 5, unit: 'min' }),
      perfCheck('rb_recovery', 'rollback_drill', params, { metric: 'recovered_pct', op: '==', value: 100 }),
    ];
    const outcomes = await executeGroup(checks, perfContext(migrated.url, { stepRunner: runner }));
    const repeat = outcomes.get('rb_repeat')!;
    expect(repeat.status, repeat.message).toBe('pass');
    expect(outcomes.get('rb_time')!.status).toBe('pass');
    expect(outcomes.get('rb_recovery')!.status).toBe('pass');
    expect(repeat.observed).toMatchObject({ runs: 3, successful_runs: 3, failed_runs: 0, recovered_pct: 100, invalid_indexes_after: 0, reconnect_ok: true });
    // The demo plan's cutover rollback limit (30 s) is the default limit.
    expect(repeat.message).toMatch(/^3 of 3 rollbacks verified in [\d.]+ m?s, [\d.]+ m?s, [\d.]+ m?s \(limit 30\.0 s\); 20000 rows and checksum equal after each, re-migrated in /);

    const e = repeat.evidence as Record<string, any>;
    expect(e.limit_ms).toBe(30_000);
    expect(e.runs).toHaveLength(3);
    for (const run of e.runs) {
      expect(run.rollback_ms).toBeGreaterThan(0);
      expect(run.migrate_ms).toBeGreaterThan(0);
      expect(run.within_limit).toBe(true);
      expect(run.after_rollback).toMatchObject({ kind: 'r', rows: 20000, checksum: e.before.checksum, invalid_indexes: [] });
      expect(run.after_migrate).toMatchObject({ kind: 'p', rows: 20000, checksum: e.before.checksum, invalid_indexes: [] });
    }
    // Every file ran through the one step runner, recorded as a drill.
    const { rows } = await state.pool.query(`SELECT purpose, status, count(*)::int AS n FROM migration_executions GROUP BY 1, 2`);
    expect(rows).toEqual([{ purpose: 'drill', status: 'succeeded', n: 9 }]);
    expect(await kindOf(migrated)).toBe('p');
  });

  it('fails a rollback over its limit, naming the repetition and its time', { timeout: 300_000 }, async () => {
    const check = perfCheck('rb_time', 'rollback_drill', { repetitions: 1, limit: '1ms' }, { metric: 'max_rollback_ms', op: '<', value: 1, unit: 'ms' });
    const outcome = (await executeGroup([check], perfContext(migrated.url, { stepRunner: runner }))).get(check.id)!;
    expect(outcome.status).toBe('fail');
    expect(outcome.message).toMatch(/^0 of 1 rollbacks passed; rollbacks [\d.]+ m?s \(limit 1 ms\); repetition 1: the rollback took [\d.]+ m?s, over the 1 ms limit$/);
    const run = (outcome.evidence as Record<string, any>).runs[0];
    expect(run).toMatchObject({ within_limit: false, ok: false });
    expect(run.after_rollback.problems).toEqual([]);
    expect(outcome.observed).toMatchObject({ runs: 1, successful_runs: 0, failed_runs: 1 });
    // Left migrated, as it found it.
    expect(await kindOf(migrated)).toBe('p');
  });

  it('refuses to drill an environment that is not migrated', async () => {
    const check = perfCheck('rb_repeat', 'rollback_drill', { repetitions: 3 }, { metric: 'successful_runs', op: '>=', value: 3 });
    const outcome = (await executeGroup([check], perfContext(plain.url, { stepRunner: runner }))).get(check.id)!;
    expect(outcome.status).toBe('fail');
    expect(outcome.message).toBe('staging is not migrated (public.catalogo_geometrias is not partitioned): migrate it first, e.g. /golive cp2 migrate');
  });
});
