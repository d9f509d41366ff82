import type { Core } from '../src/app/core.js';
import type { SlackPoster } from '../src/slack/poster.js';
import { createPingJob } from './ping.js';
import type { JobHandlers } from './types.js';

export interface JobDeps {
  core: Core;
  slack: SlackPoster;
}

/** Every job a worker can run, each built from its own file. */
export function createJobHandlers({ core, slack }: JobDeps): JobHandlers {
  return {
    ping: createPingJob({ slack, clock: core.clock }),
  };
}
