import type { Core } from '../src/app/core.js';
import { cutoverDepsFor, runCutoverJob } from '../src/cutover/index.js';
import type { SlackPoster } from '../src/slack/poster.js';
import type { JobHandler } from './types.js';

/** The cutover, its rehearsal or a rollback, on the migrations queue (one at a time per worker); never retried. */
export function createCutoverRunJob(deps: { core: Core; slack: SlackPoster }): JobHandler<'cutover-run'> {
  return async (payload) => runCutoverJob(cutoverDepsFor(deps.core, deps.slack), payload);
}
