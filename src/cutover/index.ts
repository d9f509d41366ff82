import type { Core } from '../app/core.js';
import { cutoverDepsOf, type CutoverDeps, type CutoverPoster, type CutoverTiming } from './deps.js';

export { runCutoverJob, type CutoverJob } from './procedure.js';
export { runPrecheckJob, redrawPrecheck, type PrecheckJob } from './precutover.js';
export { schedulePreCutover } from './schedule.js';
export { recoverInterrupted, runRecoveryJob, scheduleRecovery } from './recover.js';
export { requestCutover, confirmCutover, cancelCutover, abortCutover, decideThreshold, confirmItem, decideInterrupted, environmentFor } from './control.js';
export type { CutoverDeps, CutoverPoster, CutoverTiming } from './deps.js';

/** One set of cutover deps per process and poster (commands, buttons and jobs of a process share its step runner). */
const cache = new WeakMap<object, CutoverDeps>();
export function cutoverDepsFor(core: Core, slack: CutoverPoster, timing?: Partial<CutoverTiming>): CutoverDeps {
  let deps = cache.get(slack);
  if (!deps) {
    deps = cutoverDepsOf(core, slack, timing);
    cache.set(slack, deps);
  }
  return deps;
}
