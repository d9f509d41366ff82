import type { Clock } from '../src/clock.js';
import type { Queues } from '../src/queue/queues.js';
import type { Sampler } from '../src/stability/sampler.js';
import { PROBE_JOB, retireScheduler } from '../src/stability/schedules.js';
import { fireTimeOf, schedulerIdOf } from '../src/stability/tick-time.js';
import type { JobHandler } from './types.js';

/** One probe tick of a stability window: database / application / network, stored in its slot. */
export function createSampleProbeJob(deps: { sampler: Pick<Sampler, 'probeTick'>; queues: Pick<Queues, 'get'>; clock: Clock }): JobHandler<'sample-probe'> {
  return async (payload, { job, logger }) => {
    const at = fireTimeOf(job, deps.clock);
    const result = await deps.sampler.probeTick({ planId: payload.planId, windowId: payload.windowId, at });
    if ('skipped' in result) {
      logger.debug({ window: payload.windowId, at, reason: result.skipped }, 'probe tick skipped');
      // BullMQ fires once past a scheduler's end date: the window is over, so is its scheduler.
      const id = schedulerIdOf(job);
      if (id && result.skipped.includes('outside') && at >= deps.clock.now()) return result;
      if (id && result.skipped.includes('outside')) await retireScheduler(deps.queues, PROBE_JOB, id);
    }
    return result;
  };
}
