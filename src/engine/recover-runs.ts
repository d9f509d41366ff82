import type { Logger } from '../logger.js';
import type { PlanRegistry } from '../plan-registry.js';
import { findCheckpoint } from '../plan/schema.js';
import { jobQueue } from '../queue/payloads.js';
import type { Queues } from '../queue/queues.js';
import type { Store } from '../store/index.js';
import { AUDIT } from '../audit/actions.js';
import type { RunLauncher } from './flow.js';
import type { Metrics } from '../metrics.js';
import { startPeriodic } from '../app/periodic.js';
import { executionGroups, finalizeJobId } from './groups.js';

export interface RecoverRunsDeps {
  store: Store;
  plans: PlanRegistry;
  queues: Queues;
  launcher: RunLauncher;
  logger: Logger;
  metrics?: Pick<Metrics, 'runRecoveries'> | undefined;
}

export type RunRecovery =
  | { runId: number; action: 'requeued'; generation: number; checks: string[] }
  | { runId: number; action: 'finalize-retried'; generation: number }
  | { runId: number; action: 'skipped'; reason: string };

/** A finalize job that failed for good is retried this many times by recovery passes, no more. */
const MAX_FINALIZE_RETRIES = 5;

/**
 * A run's record is in the state DB, its flow in Redis. If Redis loses the
 * flow (flushed, replaced, restored from an old snapshot), the run would stay
 * "in progress" for ever and refuse every later `cpN run` of its checkpoint.
 * This pass finds running runs whose finalize job is gone and queues the
 * checks that have no result yet as a new generation of the flow (each check
 * records its result once, so nothing is measured twice); a finalize job that
 * failed on every attempt (the state DB was down) is retried. Only runs whose
 * flow was queued `minAgeMs` ago or more are looked at: a flow being added
 * right now is not lost.
 */
export async function recoverRunFlows(deps: RecoverRunsDeps, options: { minAgeMs: number; finalizeRetries?: Map<number, number> }): Promise<RunRecovery[]> {
  const done: RunRecovery[] = [];
  const finalizeQueue = deps.queues.get(jobQueue['finalize-run']);
  for (const { run, generation } of await deps.store.runs.runningFlows(options.minAgeMs)) {
    const log = deps.logger.child({ runId: run.id, generation });
    const finalize = await finalizeQueue.getJob(finalizeJobId(run.id, generation));
    const state = finalize ? await finalize.getState() : 'unknown';
    if (finalize && state === 'failed') {
      const retries = options.finalizeRetries?.get(run.id) ?? 0;
      if (retries >= MAX_FINALIZE_RETRIES) {
        done.push({ runId: run.id, action: 'skipped', reason: `finalize failed ${retries + 1} times; see the worker log` });
        continue;
      }
      options.finalizeRetries?.set(run.id, retries + 1);
      await finalize.retry('failed');
      log.warn({ failedReason: finalize.failedReason }, 'the run’s finalize job had failed on every attempt: retried');
      done.push({ runId: run.id, action: 'finalize-retried', generation });
      continue;
    }
    if (state !== 'unknown') continue;

    const plan = deps.plans.get(run.planId);
    const cp = plan && findCheckpoint(plan, run.checkpointId);
    if (!plan || !cp) {
      log.warn({ planId: run.planId, checkpointId: run.checkpointId }, 'a run in progress belongs to a plan or checkpoint no longer loaded: left as it is');
      done.push({ runId: run.id, action: 'skipped', reason: 'plan or checkpoint not loaded' });
      continue;
    }
    const recorded = new Set((await deps.store.runs.results(run.id)).map((r) => r.checkId));
    const missing = executionGroups(cp, run.environment ?? cp.environment).filter((g) => g.checks.some((c) => !recorded.has(c.id)));
    // Another worker's pass may have taken this generation already.
    if (!(await deps.store.runs.markFlow(run.id, generation + 1))) continue;
    await deps.launcher.launch(run.id, missing, generation + 1);
    const checks = missing.flatMap((g) => g.checks.map((c) => c.id));
    await deps.store.audit.append({
      actor: 'golive',
      action: AUDIT.runRequeued,
      planId: run.planId,
      checkpointId: run.checkpointId,
      runId: run.id,
      details: { lost_generation: generation, generation: generation + 1, checks },
    });
    log.warn({ checks }, 'the run’s flow was lost from Redis: its missing checks are queued again');
    done.push({ runId: run.id, action: 'requeued', generation: generation + 1, checks });
  }
  return done;
}

/** The recovery pass in a worker process: once at start, then every `intervalMs` (src/app/periodic.ts). */
export function startRunRecovery(deps: RecoverRunsDeps, options: { intervalMs: number; minAgeMs: number }): { stop(): Promise<void> } {
  const finalizeRetries = new Map<number, number>();
  return startPeriodic('run recovery', { intervalMs: options.intervalMs, logger: deps.logger }, async () => {
    for (const r of await recoverRunFlows(deps, { minAgeMs: options.minAgeMs, finalizeRetries })) deps.metrics?.runRecoveries.inc({ action: r.action });
  });
}
