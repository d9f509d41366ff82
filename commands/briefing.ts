import type { Clock } from '../src/clock.js';
import type { Queues } from '../src/queue/queues.js';
import { ephemeral, type CommandHandler, type CommandOf } from './types.js';

/**
 * `/golive briefing`: a briefing now, in this channel (the scheduled one
 * posts at 09:00 on the plan's days). A worker gathers the figures and posts.
 */
export function createBriefingCommand(deps: { queues: Pick<Queues, 'enqueue'>; clock: Clock }): CommandHandler<CommandOf<'briefing'>> {
  return async (command, request) => {
    const requestKey = request.triggerId ?? `${request.userId}-${deps.clock.now().getTime()}`;
    await deps.queues.enqueue(
      'briefing',
      { planId: command.planId, now: { target: { channelId: request.channelId, userId: request.userId, responseUrl: request.responseUrl }, requestKey } },
      // One briefing per command, however often Slack delivers it.
      { jobId: `briefing-now-${requestKey}`, attempts: 2 },
    );
    return ephemeral('Gathering the figures: the briefing follows in the channel.');
  };
}
