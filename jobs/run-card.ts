import type { Engine } from '../src/engine/index.js';
import type { JobHandler } from './types.js';

/** A throttled redraw of a run card from the state DB. */
export function createRefreshRunCardJob(deps: { engine: Engine }): JobHandler<'refresh-run-card'> {
  return async (payload) => {
    await deps.engine.cards.refresh(payload.runId);
  };
}
