import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeGroup } from '../../../src/checks/execute.js';
import { loadPlanFile } from '../../../src/plan/load.js';
import { allChecks, findCheckpoint, type Check } from '../../../src/plan/schema.js';
import { fromRoot } from '../../../src/paths.js';
import { createStore, type Store } from '../../../src/store/index.js';
import type { ResultStatus } from '../../../src/store/runs.js';
import { createTestStateDb, type TestStateDb } from '../../support/state-db.js';
import { baseContext } from './support.js';

/**
 * "Rollback scripts: Ready + tested" before the cutover reads the rollback
 * drill's checks in CHECKPOINT 2's latest decided run, as the shipped demo
 * plan states it: all passed, or the check fails naming those that did not.
 */
describe('prior_result', () => {
  let state: TestStateDb;
  let store: Store;
  const plan = loadPlanFile(fromRoot('plans/demo.yaml')).plan;
  const rollbackReady = allChecks(findCheckpoint(plan, 'cp3')!).find((c) => c.id === 'rollback_ready')!;
  const drill = ['rb_time', 'rb_recovery', 'rb_index_rebuild', 'rb_reconnect', 'rb_repeat'];

  const judge = async (check: Check = rollbackReady) => {
    const ctx = baseContext({
      plan,
      history: { latestDecided: (p, c) => store.runs.latestDecided(p, c), results: (id) => store.runs.results(id), attestations: (id) => store.attestations.forRun(id) },
    });
    return (await executeGroup([check], ctx)).get(check.id)!;
  };

  /** A cp2 run with these statuses for the drill's checks; decided unless `decided: false`. */
  const cp2Run = async (statuses: Record<string, ResultStatus>, options: { decided?: boolean } = {}) => {
    const { run } = await store.runs.create({ planId: 'demo', checkpointId: 'cp2', environment: 'staging', startedBy: 'U0QAL0001' });
    for (const [checkId, status] of Object.entries(statuses)) {
      await store.runs.recordResult({ runId: run.id, checkId, criterionId: 'rollback', status, observed: {}, expected: null, message: `${checkId} ${status}`, evidence: {}, durationMs: 1 });
    }
    if (options.decided !== false) await store.runs.finish(run.id, { status: 'complete', decision: 'GO', decisionKind: 'go', decisionDetail: {}, evidenceDigest: 'x' });
    return run;
  };
  const all = (status: ResultStatus) => Object.fromEntries(drill.map((c) => [c, status]));

  beforeAll(async () => {
    state = await createTestStateDb('prior');
    store = createStore(state.pool);
  });
  afterAll(() => state?.drop());

  it('the demo plan asks for the five rollback drill checks of cp2', () => {
    expect(rollbackReady.type).toBe('prior_result');
    expect(rollbackReady.params).toEqual({ checkpoint: 'cp2', checks: drill });
  });

  it('fails while cp2 has no decided run, saying what to do', async () => {
    const out = await judge();
    expect(out.status).toBe('fail');
    expect(out.message).toMatch(/cp2 has no decided run yet: run it first/);
  });

  it('passes when every check passed in the latest decided run', async () => {
    const run = await cp2Run(all('pass'));
    const out = await judge();
    expect(out.status, out.message).toBe('pass');
    expect(out.observed).toMatchObject({ passed: 5, failed: 0 });
    expect(out.message).toMatch(new RegExp(`^5 of 5 passed in cp2 run #${run.number} \\(GO, `));
  });

  it('reads the latest decided run only: a later failure counts, a run still in progress does not', async () => {
    await cp2Run({ ...all('pass'), rb_time: 'fail', rb_repeat: 'error' });
    let out = await judge();
    expect(out.status).toBe('fail');
    expect(out.message).toMatch(/^2 of 5 not passed in cp2 run #2 .*: rb_time fail, rb_repeat error$/);

    await cp2Run(all('pass'), { decided: false });
    out = await judge();
    expect(out.message).toMatch(/in cp2 run #2 /);
  });

  it('a check the run did not record is not passed; a pass attested by its role is', async () => {
    const { rb_reconnect: _left, ...rest } = all('pass');
    const run3 = await store.runs.latest('demo', 'cp2');
    await store.runs.finish(run3!.id, { status: 'cancelled', decision: 'CANCELLED', decisionKind: 'error', decisionDetail: {}, evidenceDigest: '' });
    const run = await cp2Run(rest, { decided: false });
    await store.runs.finish(run.id, { status: 'complete', decision: 'GO', decisionKind: 'go', decisionDetail: {}, evidenceDigest: 'x' });
    let out = await judge();
    expect(out.message).toMatch(/rb_reconnect not recorded/);

    await store.attestations.record({ runId: run.id, checkId: 'rb_reconnect', role: 'dba', userId: 'U0DBA0001', outcome: 'pass' });
    out = await judge();
    expect(out.status, out.message).toBe('pass');
  });
});
