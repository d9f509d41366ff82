import type { Engine } from '../src/engine/index.js';
import type { JobHandler } from './types.js';

/** A child of a run's flow: measure one check (or a shared group), record it, ask for a card redraw. */
export function createCheckJob(deps: { engine: Engine }): JobHandler<'check'> {
  return async (payload, { logger }) => {
    const outcome = await deps.engine.runChecks(payload.runId, payload.checkIds, logger);
    if (!outcome.skipped) await deps.engine.scheduleCardRefresh(payload.runId);
    return outcome;
  };
}
