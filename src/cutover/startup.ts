import type { Core } from '../app/core.js';
import type { CutoverPoster } from './deps.js';
import { cutoverDepsFor } from './index.js';
import { scheduleRecovery } from './recover.js';
import { schedulePreCutover } from './schedule.js';

/**
 * What a worker does for the cutover when it starts: look for cutovers a dead
 * worker left running (the recovery pass), and re-create the pre-cutover
 * slots' delayed jobs from the state DB. In the background: a worker whose
 * Redis or state DB is slow to answer still starts, and says why in its log.
 */
export function onWorkerStart(core: Core, slack: CutoverPoster): void {
  const deps = cutoverDepsFor(core, slack);
  void scheduleRecovery(deps, 0);
  void schedulePreCutover(deps).catch((err: unknown) => deps.logger.warn({ err }, 'pre-cutover slots not scheduled'));
}
