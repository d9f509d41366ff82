import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunLauncher, type RunLauncher } from '../../../src/engine/flow.js';
import { recoverRunFlows, type RecoverRunsDeps } from '../../../src/engine/recover-runs.js';
import { startWorkers } from '../../../src/app/processes.js';
import { startHarness, TEST_BOT_TOKEN, type Harness } from '../../support/harness.js';
import { emptyDatabase, type EmptyDatabase } from '../checks/support.js';
import { ackText, DBA, writeEnginePlan, type EnginePlan } from './support.js';

/**
 * Redis loses a run's flow (flushed, replaced): without recovery the run
 * stays "in progress" and refuses every later run of its checkpoint. The
 * recovery pass queues the missing checks again as the next generation of
 * the flow, once whatever the number of workers, and the run reaches its
 * decision with each result recorded once.
 */
describe('a run whose flow Redis lost', () => {
  let plan: EnginePlan;
  let db: EmptyDatabase;
  let h: Harness;
  let launcher: RunLauncher;
  let deps: RecoverRunsDeps;
  let worker: ReturnType<Harness['startWorker']> | undefined;

  beforeAll(async () => {
    plan = await writeEnginePlan({ withoutManual: true });
    db = await emptyDatabase('lostflow');
    h = await startHarness({ planFiles: [plan.file], environments: { staging: db.url }, worker: false });
    launcher = createRunLauncher({ connection: h.core.redis, prefix: h.core.queues.prefix });
    deps = { store: h.core.store, plans: h.core.plans, queues: h.core.queues, launcher, logger: h.core.logger };
  });
  afterAll(async () => {
    await worker?.close();
    await launcher?.close();
    await h?.close();
    await db?.drop();
    await plan?.remove();
  });

  /** What a flushed Redis leaves of this harness's queues: nothing (its own keys only: other tests share the server). */
  const loseRedis = async () => {
    const keys = await h.core.redis.keys(`${h.core.queues.prefix}:*`);
    if (keys.length) await h.core.redis.del(...keys);
    expect(await h.core.queues.get('control').getJobCounts()).toMatchObject({ waiting: 0, 'waiting-children': 0 });
  };

  it('is found, queued again once, and decided with every result recorded once', async () => {
    expect(ackText(await h.command('cp1 run', DBA))).toMatch(/^Run #1 of cp1 started/);
    const run = (await h.core.store.runs.latest('eng', 'cp1'))!;

    // A flow queued a moment ago is not lost, whatever Redis holds.
    await loseRedis();
    expect(await recoverRunFlows(deps, { minAgeMs: 60_000 })).toEqual([]);

    // Two workers' passes at once: one queues generation 2, the other sees it taken.
    const passes = (await Promise.all([recoverRunFlows(deps, { minAgeMs: 0 }), recoverRunFlows(deps, { minAgeMs: 0 })])).flat();
    expect(passes).toHaveLength(1);
    expect(passes[0]).toMatchObject({ runId: run.id, action: 'requeued', generation: 2 });
    const checks = passes[0]!.action === 'requeued' ? passes[0]!.checks : [];
    expect(checks.length).toBeGreaterThan(3);

    // The new flow is in Redis: the next pass leaves it alone.
    expect(await recoverRunFlows(deps, { minAgeMs: 0 })).toEqual([]);
    expect(await h.core.queues.get('control').getJob('run-' + run.id + '-g2-finalize').then((j) => j?.getState())).toBe('waiting-children');

    // A worker comes: the run is decided.
    worker = h.startWorker();
    const decided = await h.fake.waitFor(
      async () => {
        const r = await h.core.store.runs.get(run.id);
        return r?.status === 'complete' ? r : undefined;
      },
      { timeoutMs: 60_000, description: 'run #1 decided' },
    );
    expect(decided.decision).toBeTruthy();
    const results = await h.core.store.runs.results(run.id);
    expect(results.map((r) => r.checkId).sort()).toEqual([...checks].sort());
    expect(results.filter((r) => r.status === 'error').map((r) => r.message)).toEqual([]);

    const audit = await h.core.pool.query(`SELECT details FROM audit_log WHERE action = 'run.requeued' AND run_id = $1`, [run.id]);
    expect(audit.rows).toEqual([{ details: expect.objectContaining({ lost_generation: 1, generation: 2 }) }]);

    // The checkpoint is free again.
    expect(ackText(await h.command('cp1 run', DBA))).toMatch(/^Run #2 of cp1 started/);
  });

  it('a worker recovers by itself: the pass runs on a timer, without being asked', async () => {
    const decided = async (number: number) =>
      h.fake.waitFor(
        async () => {
          const r = await h.core.store.runs.latest('eng', 'cp1');
          return r?.number === number && r.status === 'complete' ? r : undefined;
        },
        { timeoutMs: 60_000, description: `run #${number} decided` },
      );
    await decided(2);
    await worker!.close();
    worker = undefined;

    expect(ackText(await h.command('cp1 run', DBA))).toMatch(/^Run #3 of cp1 started/);
    await loseRedis();
    worker = startWorkers(h.core, { botToken: TEST_BOT_TOKEN, apiUrl: h.fake.apiUrl }, { runRecovery: { intervalMs: 250, minAgeMs: 500 } });
    const run = await decided(3);
    const audit = await h.core.pool.query(`SELECT details->>'generation' AS generation FROM audit_log WHERE action = 'run.requeued' AND run_id = $1`, [run.id]);
    expect(audit.rows).toEqual([{ generation: '2' }]);
    // And says so to Prometheus: Redis lost work.
    expect(await h.core.metrics.registry.getSingleMetricAsString('golive_run_recoveries_total')).toMatch(/golive_run_recoveries_total\{action="requeued",golive_process="[a-z]+"\} 1/);
  });
});
