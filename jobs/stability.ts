import type { Core } from '../src/app/core.js';
import { createBriefings } from '../src/briefing/post.js';
import { signoffStateReader } from '../src/briefing/facts.js';
import { createEngine } from '../src/engine/index.js';
import { signoffDepsOf } from '../src/signoff/deps.js';
import type { SlackPoster } from '../src/slack/poster.js';
import { createAlertNotifier } from '../src/stability/alerts.js';
import { scheduledChannel } from '../src/stability/channel.js';
import { createSampler } from '../src/stability/sampler.js';
import { withSystemActor } from '../src/stability/window-end.js';
import { createBriefingJob } from './briefing.js';
import { createEvaluateWindowJob } from './evaluate-window.js';
import { createIncidentAnnounceJob } from './incident-announce.js';
import { createSampleMetricsJob } from './sample-metrics.js';
import { createSampleProbeJob } from './sample-probe.js';
import type { JobHandlers } from './types.js';

/** The stability window's jobs (samples, briefing, window end, incident posts), sharing one sampler per worker. */
export function createStabilityJobs({ core, slack }: { core: Core; slack: SlackPoster }): JobHandlers {
  const channelFor = (planId: string) => scheduledChannel({ channel: core.config.channel, pool: core.pool }, planId);
  const alerts = createAlertNotifier({ store: core.store, plans: core.plans, roles: core.roles, slack, clock: core.clock, logger: core.logger, channelFor });
  const sampler = createSampler({ plans: core.plans, store: core.store, config: core.config, clock: core.clock, logger: core.logger, alerts });
  const briefings = createBriefings({
    plans: core.plans,
    store: core.store,
    clock: core.clock,
    logger: core.logger,
    slack,
    channelFor,
    signoffState: signoffStateReader(signoffDepsOf(core, slack)),
  });
  // golive runs the checkpoint at the window's end under its own name; every role the roles file knows may `run`.
  const engine = createEngine({ ...core, roles: withSystemActor(core.roles, () => Object.keys(core.plans.roles.roles.roles)) }, slack);
  return {
    'sample-probe': createSampleProbeJob({ sampler, queues: core.queues, clock: core.clock }),
    'sample-metrics': createSampleMetricsJob({ sampler, queues: core.queues, clock: core.clock }),
    briefing: createBriefingJob({ briefings, slack, clock: core.clock }),
    'evaluate-window': createEvaluateWindowJob({ plans: core.plans, store: core.store, clock: core.clock, logger: core.logger, startRun: engine.startRun, channelFor }),
    'incident-announce': createIncidentAnnounceJob({ plans: core.plans, store: core.store, roles: core.roles, slack, channelFor, logger: core.logger }),
  };
}
