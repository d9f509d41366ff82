import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/clock.js';
import type { RunCards } from '../../../src/engine/cards.js';
import type { RunLauncher } from '../../../src/engine/flow.js';
import { startRun, type StartRunDeps } from '../../../src/engine/start-run.js';
import { silentLogger } from '../../../src/logger.js';
import { createRoleResolver } from '../../../src/permissions.js';
import { loadPlanRegistry } from '../../../src/plan-registry.js';
import { createStore } from '../../../src/store/index.js';
import { createTestStateDb, type TestStateDb } from '../../support/state-db.js';
import { UNREACHABLE_URL } from '../checks/support.js';
import { DBA, writeEnginePlan, type EnginePlan } from './support.js';

/** startRun's own rules, with the queue and Slack replaced by recorders (the state DB is real). */
describe('starting a run', () => {
  let plan: EnginePlan;
  let db: TestStateDb;
  let deps: StartRunDeps;
  const launched: number[] = [];
  let failLaunch = false;

  beforeAll(async () => {
    plan = await writeEnginePlan();
    db = await createTestStateDb('start');
    const plans = await loadPlanRegistry({ planFiles: [plan.file], rolesFile: 'roles.example.yaml', environments: { staging: UNREACHABLE_URL } });
    const cards: RunCards = { post: async () => '1.1', refresh: async () => {} };
    const launcher: RunLauncher = {
      launch: async (runId) => {
        if (failLaunch) throw new Error('Redis did not answer');
        launched.push(runId);
      },
      close: async () => {},
    };
    deps = { plans, roles: createRoleResolver({ roles: plans.roles.roles, clock: systemClock }), store: createStore(db.pool), cards, launcher, clock: systemClock, logger: silentLogger() };
  });
  afterAll(async () => {
    await db.drop();
    await plan.remove();
  });

  const input = (requestKey: string) => ({ planId: 'eng', checkpointId: 'cp1', userId: DBA, channelId: 'C0GOLIVE', requestKey });

  it('closes a run whose jobs could not be queued, so it blocks nothing', async () => {
    failLaunch = true;
    await expect(startRun(deps, input('t-1'))).rejects.toThrow(/Redis did not answer/);
    const failed = (await deps.store.runs.latest('eng', 'cp1'))!;
    expect(failed).toMatchObject({ status: 'failed', decision: 'NOT RUN', number: 1 });

    failLaunch = false;
    const next = await startRun(deps, input('t-2'));
    expect(next).toMatchObject({ kind: 'started', run: { number: 2 }, checks: 9 });
    expect(launched).toEqual([next.kind === 'started' ? next.run.id : -1]);
  });

  it('answers a re-delivered command with the run it already started', async () => {
    const again = await startRun(deps, input('t-2'));
    expect(again).toMatchObject({ kind: 'duplicate', run: { number: 2 } });
    expect(launched).toHaveLength(1);
  });

  it('refuses a second run while one is in progress, pointing at it', async () => {
    const refused = await startRun(deps, input('t-3'));
    expect(refused.kind).toBe('refused');
    expect(refused.kind === 'refused' && refused.message).toMatch(/^run #2 of cp1 is still in progress \(started by <@U0DBA0001> at .* America\/Sao_Paulo \(UTC-03:00\)\)\. Its card is in <#C0GOLIVE>/);
  });
});
