import type { Core } from '../src/app/core.js';
import type { SlackPoster } from '../src/slack/poster.js';
import { createHelpCommand } from './help.js';
import { createPingCommand } from './ping.js';
import type { Handlers } from './router.js';
import { createStatusCommand } from './status.js';
import { createRunCommand } from './run.js';
import { createCheckpointStatusCommand } from './checkpoint-status.js';
import { createMigrateCommand } from './migrate.js';
import { createBaselineCommand } from './baseline.js';
import { createEngine } from '../src/engine/index.js';
import { signoffServiceOf } from '../src/signoff/index.js';
import { createAuditCommand } from './audit.js';
import { createSignoffCommand } from './signoff.js';
import { createCutoverCommands, withPreCutoverRun } from './cutover.js';
import { cutoverDepsFor } from '../src/cutover/index.js';
import { createReportCommand } from './report.js';
import { createBriefingCommand } from './briefing.js';
import { createIncidentCommand, createIncidentResolveCommand } from './incident.js';
import { createIncidents } from '../src/incidents/service.js';

export interface CommandDeps {
  core: Core;
  slack: SlackPoster;
}

/** Every /golive verb golive knows, each built from its own file. */
export function createCommandHandlers({ core, slack }: CommandDeps): Handlers {
  const engine = createEngine(core, slack);
  const signoffs = signoffServiceOf(core, slack);
  const cutover = createCutoverCommands({ cutover: () => cutoverDepsFor(core, slack) });
  const incidents = createIncidents({ plans: core.plans, store: core.store, clock: core.clock, logger: core.logger, queues: core.queues });
  return {
    help: createHelpCommand({ planIds: () => core.plans.list().map((p) => p.id) }),
    ping: createPingCommand({ queues: core.queues, clock: core.clock }),
    status: createStatusCommand({ plans: core.plans, runs: core.store.runs, clock: core.clock }),
    'checkpoint:run': withPreCutoverRun(createRunCommand({ engine }), { cutover: () => cutoverDepsFor(core, slack) }),
    'checkpoint:status': createCheckpointStatusCommand({ plans: core.plans, store: core.store, clock: core.clock }),
    'checkpoint:migrate': createMigrateCommand({ plans: core.plans, roles: core.roles, queues: core.queues, pool: core.pool }),
    baseline: createBaselineCommand({ plans: core.plans, roles: core.roles, store: core.store, queues: core.queues, clock: core.clock }),
    'checkpoint:signoff': createSignoffCommand({ signoffs }),
    audit: createAuditCommand({ plans: core.plans, audit: core.store.audit, clock: core.clock }),
    'checkpoint:start': cutover.start,
    'checkpoint:rehearse': cutover.rehearse,
    'checkpoint:rollback': cutover.rollback,
    'checkpoint:abort': cutover.abort,
    'checkpoint:report': createReportCommand({ plans: core.plans, roles: core.roles, store: core.store, queues: core.queues, clock: core.clock }),
    briefing: createBriefingCommand({ queues: core.queues, clock: core.clock }),
    incident: createIncidentCommand({ plans: core.plans, incidents, clock: core.clock }),
    'incident-resolve': createIncidentResolveCommand({ plans: core.plans, roles: core.roles, store: core.store, incidents }),
  };
}
