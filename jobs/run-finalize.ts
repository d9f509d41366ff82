import type { Engine } from '../src/engine/index.js';
import type { JobHandler } from './types.js';

/** The parent of a run's flow: every check is done; decide, digest, final card. */
export function createFinalizeRunJob(deps: { engine: Engine }): JobHandler<'finalize-run'> {
  return async (payload) => deps.engine.finalize(payload.runId);
}
