import { evaluateWindowEnd, type WindowEndDeps } from '../src/stability/window-end.js';
import type { JobHandler } from './types.js';

/** The end of a stability window: golive runs its checkpoint (cp4) and the result goes to the decision and the gate. */
export function createEvaluateWindowJob(deps: WindowEndDeps): JobHandler<'evaluate-window'> {
  return async (payload, { logger }) => {
    const result = await evaluateWindowEnd(deps, payload);
    logger.info({ window: payload.windowId, result }, 'stability window evaluated');
    return result;
  };
}
