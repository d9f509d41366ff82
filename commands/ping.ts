import type { Queues } from '../src/queue/queues.js';
import type { Clock } from '../src/clock.js';
import { ephemeral, type CommandHandler, type CommandOf } from './types.js';

/** `/golive ping`: proves web → Redis → worker → Slack; the worker answers "pong" with the latency. */
export function createPingCommand(deps: { queues: Queues; clock: Clock }): CommandHandler<CommandOf<'ping'>> {
  return async (_command, request) => {
    const enqueuedAt = deps.clock.now().getTime();
    await deps.queues.enqueue(
      'ping',
      { target: { channelId: request.channelId, userId: request.userId, responseUrl: request.responseUrl }, enqueuedAt },
      // One pong per command, however often Slack delivers it.
      { jobId: `ping-${request.triggerId ?? `${request.userId}-${enqueuedAt}`}` },
    );
    return ephemeral('Ping queued; the worker will answer.');
  };
}
