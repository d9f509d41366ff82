import type { Core } from '../src/app/core.js';
import { runReportJob } from '../src/reports/job.js';
import { signoffServiceOf } from '../src/signoff/index.js';
import type { SlackPoster } from '../src/slack/poster.js';
import type { JobHandler } from './types.js';

/** `/golive cpN report` on the control queue: build the documents from the run's evidence, upload, record. */
export function createReportJob(deps: { core: Core; slack: SlackPoster }): JobHandler<'report'> {
  const { core, slack } = deps;
  const signoffs = signoffServiceOf(core, slack);
  return async (payload, { logger }) =>
    runReportJob(
      {
        plans: core.plans,
        store: core.store,
        slack,
        clock: core.clock,
        logger,
        // The card drops its "documents" blocker, and the gate announces itself if that was the last one.
        afterPublish: (planId, checkpointId, userId, channelId) => signoffs.refresh(planId, checkpointId, userId, channelId),
      },
      payload,
    );
}
