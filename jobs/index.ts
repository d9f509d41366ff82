import type { Core } from '../src/app/core.js';
import type { SlackPoster } from '../src/slack/poster.js';
import { createPingJob } from './ping.js';
import { createCheckJob } from './check.js';
import { createFinalizeRunJob } from './run-finalize.js';
import { createRefreshRunCardJob } from './run-card.js';
import { createMigrateStagingJob } from './migrate-staging.js';
import { createBaselineCaptureJob } from './baseline-capture.js';
import { createCutoverRunJob } from './cutover-run.js';
import { createCutoverPrecheckJob } from './cutover-precheck.js';
import { createCutoverRecoverJob } from './cutover-recover.js';
import { createReportJob } from './report.js';
import { createStabilityJobs } from './stability.js';
import { createEngine } from '../src/engine/index.js';
import type { JobHandlers } from './types.js';

export interface JobDeps {
  core: Core;
  slack: SlackPoster;
}

/** Every job a worker can run, each built from its own file. */
export function createJobHandlers({ core, slack }: JobDeps): JobHandlers {
  const engine = createEngine(core, slack);
  return {
    ping: createPingJob({ slack, clock: core.clock }),
    check: createCheckJob({ engine }),
    'finalize-run': createFinalizeRunJob({ engine }),
    'refresh-run-card': createRefreshRunCardJob({ engine }),
    'migrate-staging': createMigrateStagingJob({ core, slack }),
    'baseline-capture': createBaselineCaptureJob({ core, slack }),
    'cutover-run': createCutoverRunJob({ core, slack }),
    'cutover-precheck': createCutoverPrecheckJob({ core, slack }),
    'cutover-recover': createCutoverRecoverJob({ core, slack }),
    report: createReportJob({ core, slack }),
    ...createStabilityJobs({ core, slack }),
  };
}
