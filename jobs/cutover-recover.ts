import type { Core } from '../src/app/core.js';
import { cutoverDepsFor, runRecoveryJob } from '../src/cutover/index.js';
import type { SlackPoster } from '../src/slack/poster.js';
import type { JobHandler } from './types.js';

/** Cutovers a dead worker left running: end the orphaned session, inspect, ask the DBA. */
export function createCutoverRecoverJob(deps: { core: Core; slack: SlackPoster }): JobHandler<'cutover-recover'> {
  return async () => runRecoveryJob(cutoverDepsFor(deps.core, deps.slack));
}
