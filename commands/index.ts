import type { Core } from '../src/app/core.js';
import type { SlackPoster } from '../src/slack/poster.js';
import { createHelpCommand } from './help.js';
import { createPingCommand } from './ping.js';
import type { Handlers } from './router.js';
import { createStatusCommand } from './status.js';

export interface CommandDeps {
  core: Core;
  slack: SlackPoster;
}

/** Every /golive verb golive knows, each built from its own file. */
export function createCommandHandlers({ core }: CommandDeps): Handlers {
  return {
    help: createHelpCommand({ planIds: () => core.plans.list().map((p) => p.id) }),
    ping: createPingCommand({ queues: core.queues, clock: core.clock }),
    status: createStatusCommand({ plans: core.plans, runs: core.store.runs, clock: core.clock }),
  };
}
