import type { Briefings } from '../src/briefing/post.js';
import type { Clock } from '../src/clock.js';
import type { SlackPoster } from '../src/slack/poster.js';
import { fireTimeOf } from '../src/stability/tick-time.js';
import type { JobHandler } from './types.js';

/**
 * The daily briefing: a scheduler tick (the listed day its time stands for,
 * claimed before posting, so one per day whatever the number of workers), a
 * catch-up after a restart (its day), or `/golive briefing` (now).
 */
export function createBriefingJob(deps: { briefings: Briefings; slack: Pick<SlackPoster, 'respond' | 'ephemeral'>; clock: Clock }): JobHandler<'briefing'> {
  return async (payload, { job, logger }) => {
    if (payload.now) {
      const { target, requestKey } = payload.now;
      try {
        return await deps.briefings.now({ planId: payload.planId, channelId: target.channelId, userId: target.userId, requestKey });
      } catch (err) {
        const text = `The briefing could not be posted: ${err instanceof Error ? err.message : String(err)}`;
        if (target.responseUrl) await deps.slack.respond(target.responseUrl, { text }).catch(() => {});
        throw err;
      }
    }
    const result = await deps.briefings.scheduled({
      planId: payload.planId,
      checkpointId: payload.checkpointId,
      day: payload.day,
      fireAt: fireTimeOf(job, deps.clock),
      claimant: String(job.id),
    });
    if ('skipped' in result) logger.info({ planId: payload.planId, reason: result.skipped }, 'briefing tick: nothing posted');
    return result;
  };
}
