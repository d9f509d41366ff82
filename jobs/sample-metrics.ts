import type { Clock } from '../src/clock.js';
import type { Queues } from '../src/queue/queues.js';
import { AFTER_WINDOW, type Sampler } from '../src/stability/sampler.js';
import { METRICS_JOB, retireScheduler } from '../src/stability/schedules.js';
import { fireTimeOf, schedulerIdOf } from '../src/stability/tick-time.js';
import type { JobHandler } from './types.js';

/** One metrics tick of a stability window: Q1-Q3, pg_stat_database, connections, locks, pruning, partitions, host. */
export function createSampleMetricsJob(deps: { sampler: Pick<Sampler, 'metricsTick'>; queues: Pick<Queues, 'get'>; clock: Clock }): JobHandler<'sample-metrics'> {
  return async (payload, { job, logger }) => {
    const result = await deps.sampler.metricsTick({ planId: payload.planId, windowId: payload.windowId, at: fireTimeOf(job, deps.clock) });
    if ('skipped' in result) {
      logger.debug({ window: payload.windowId, reason: result.skipped }, 'metrics tick skipped');
      const id = schedulerIdOf(job);
      if (id && result.skipped === AFTER_WINDOW) await retireScheduler(deps.queues, METRICS_JOB, id);
    }
    return result;
  };
}
