import type { Core } from '../app/core.js';
import type { Logger } from '../logger.js';
import type { SlackPoster } from '../slack/poster.js';
import { attestCheck } from './attest.js';
import { createRunCards, scheduleCardRefresh, type RunCards } from './cards.js';
import { runCheckGroup } from './check-job.js';
import { finalizeRun } from './finalize.js';
import { createRunLauncher, type RunLauncher } from './flow.js';
import { loadRunState } from './run-state.js';
import { startRun, type StartRunInput } from './start-run.js';

/** The checks engine of one process, built from its core and its Slack poster. */
export function createEngine(core: Core, slack: SlackPoster) {
  const base = { plans: core.plans, store: core.store, clock: core.clock, logger: core.logger };
  const cards: RunCards = createRunCards({ ...base, slack });
  let launcher: RunLauncher | undefined;
  const launcherOf = () => (launcher ??= createRunLauncher({ connection: core.redis, prefix: core.queues.prefix }));
  return {
    cards,
    startRun: (input: StartRunInput) => startRun({ ...base, roles: core.roles, cards, launcher: launcherOf() }, input),
    runChecks: (runId: number, checkIds: string[], logger: Logger) => runCheckGroup({ ...base, config: core.config }, runId, checkIds, logger),
    finalize: (runId: number) => finalizeRun({ ...base, cards }, runId),
    attest: (input: { runId: number; checkId: string; userId: string }) => attestCheck({ ...base, roles: core.roles, cards }, input),
    scheduleCardRefresh: (runId: number) => scheduleCardRefresh(core.queues, runId),
    loadRunState: (runId: number) => loadRunState(base, runId),
    async close() {
      await launcher?.close();
    },
  };
}

export type Engine = ReturnType<typeof createEngine>;
