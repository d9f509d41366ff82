import type { Clock } from '../src/clock.js';
import type { Queues } from '../src/queue/queues.js';
import { AFTER_WINDOW, type Sampler } from '../src/stability/sampler.js';
import { PROBE_JOB, retireScheduler } from '../src/stability/schedules.js';
import { fireTimeOf, schedulerIdOf } from '../src/stability/tick-time.js';
import type { JobHandler } from './types.js';

/** One probe tick of a stability window: database / application / network, stored in its slot. */
export function createSampleProbeJob(deps: { sampler: Pick<Sampler, 'probeTick'>; queues: Pick<Queues, 'get'>; clock: Clock }): JobHandler<'sample-probe'> {
  return async (payload, { job, logger }) => {
    const result = await deps.sampler.probeTick({ planId: payload.planId, windowId: payload.windowId, at: fireTimeOf(job, deps.clock) });
    if ('skipped' in result) {
      logger.debug({ window: payload.windowId, reason: result.skipped }, 'probe tick skipped');
      const id = schedulerIdOf(job);
      // The window is over: so is its scheduler (BullMQ fires once past the end date).
      if (id && result.skipped === AFTER_WINDOW) await retireScheduler(deps.queues, PROBE_JOB, id);
    }
    return result;
  };
}
