import type { Core } from '../src/app/core.js';
import { runBaselineCapture } from '../src/perf/baseline-job.js';
import type { SlackPoster } from '../src/slack/poster.js';
import type { JobHandler } from './types.js';

/** `/golive baseline capture ENV [replace]` on the checks queue: time the named queries, store, post. */
export function createBaselineCaptureJob(deps: { core: Core; slack: SlackPoster }): JobHandler<'baseline-capture'> {
  const { core, slack } = deps;
  return async (payload, { logger }) => runBaselineCapture({ plans: core.plans, store: core.store, slack, clock: core.clock, logger }, payload);
}
