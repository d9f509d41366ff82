import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBaselineStore, type BaselineRecord } from '../../../src/store/baselines.js';
import { createTestStateDb, type TestStateDb } from '../../support/state-db.js';

describe('baseline store', () => {
  let state: TestStateDb;
  let store: ReturnType<typeof createBaselineStore>;
  beforeAll(async () => {
    state = await createTestStateDb('baselines');
    store = createBaselineStore(state.pool);
  });
  afterAll(async () => {
    await state?.drop();
  });

  const record = (queryId: string, medianMs: number): Omit<BaselineRecord, 'capturedAt'> => ({
    planId: 'demo',
    environment: 'staging',
    queryId,
    medianMs,
    p95Ms: medianMs * 1.2,
    samples: [{ run: 1, ms: medianMs, params: { lon_e6: -49200000 } }],
    serverVersion: '15.20',
    capturedBy: 'U0DBA0001',
  });

  it('stores an environment’s queries together, and refuses a second capture without replace', async () => {
    const at = new Date('2026-02-10T12:00:00Z');
    expect(await store.save([record('Q1', 10), record('Q2', 20)], { replace: false, capturedAt: at })).toBe(true);
    expect(await store.save([record('Q1', 1)], { replace: false, capturedAt: new Date() })).toBe(false);
    const q1 = await store.get('demo', 'staging', 'Q1');
    expect(q1).toMatchObject({ medianMs: 10, p95Ms: 12, serverVersion: '15.20', capturedBy: 'U0DBA0001', capturedAt: at });
    expect(q1!.samples).toEqual([{ run: 1, ms: 10, params: { lon_e6: -49200000 } }]);
    expect(await store.exists('demo', 'production')).toBe(false);
  });

  it('replaces the whole environment’s baseline with replace', async () => {
    expect(await store.save([record('Q1', 7)], { replace: true, capturedAt: new Date() })).toBe(true);
    expect((await store.forEnvironment('demo', 'staging')).map((b) => [b.queryId, b.medianMs])).toEqual([['Q1', 7]]);
  });

  it('finds the newest timing a check recorded in a run (the post-cutover reference)', async () => {
    const run = async (number: number, ms: number) => {
      const { rows } = await state.pool.query(
        `INSERT INTO runs (plan_id, checkpoint_id, number, environment, status, started_by) VALUES ('demo', 'cp3', $1, 'production', 'complete', 'U1') RETURNING id`,
        [number],
      );
      await state.pool.query(`INSERT INTO check_results (run_id, check_id, criterion_id, status, observed) VALUES ($1, 'val_q1', 'perf', 'pass', $2)`, [
        rows[0].id,
        JSON.stringify({ ms }),
      ]);
      return Number(rows[0].id);
    };
    await run(1, 5.5);
    const latest = await run(2, 4.25);
    expect(await store.latestMeasurement('demo', 'cp3', 'production', ['val_q1'])).toMatchObject({ ms: 4.25, runId: latest, checkId: 'val_q1' });
    expect(await store.latestMeasurement('demo', 'cp3', 'staging', ['val_q1'])).toBeUndefined();
  });
});
