import type { Core } from '../src/app/core.js';
import { cutoverDepsFor, runPrecheckJob } from '../src/cutover/index.js';
import type { SlackPoster } from '../src/slack/poster.js';
import type { JobHandler } from './types.js';

/** A slot of the pre-cutover timeline (or every slot, on demand): its checks, its checklist, the decision at the end. */
export function createCutoverPrecheckJob(deps: { core: Core; slack: SlackPoster }): JobHandler<'cutover-precheck'> {
  return async (payload) => runPrecheckJob(cutoverDepsFor(deps.core, deps.slack), payload);
}
