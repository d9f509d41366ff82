import type { Clock } from '../src/clock.js';
import type { SlackPoster } from '../src/slack/poster.js';
import type { JobHandler } from './types.js';

/** Answers `/golive ping` with the time the job spent between web and worker. */
export function createPingJob(deps: { slack: SlackPoster; clock: Clock }): JobHandler<'ping'> {
  return async (payload) => {
    const latencyMs = Math.max(0, deps.clock.now().getTime() - payload.enqueuedAt);
    const text = `pong · queue latency ${latencyMs} ms`;
    if (payload.target.responseUrl) await deps.slack.respond(payload.target.responseUrl, { text });
    else await deps.slack.ephemeral(payload.target.channelId, payload.target.userId, { text });
    return { latencyMs };
  };
}
