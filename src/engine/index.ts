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
import { signoffServiceOf } from '../signoff/index.js';

/** The checks engine of one process, built from its core and its Slack poster. */
export function createEngine(core: Core, slack: SlackPoster) {
  const base = { plans: core.plans, store: core.store, clock: core.clock, logger: core.logger };
  const cards: RunCards = createRunCards({ ...base, slack });
  let launcher: RunLauncher | undefined;
  const launcherOf = () => (launcher ??= createRunLauncher({ connection: core.redis, prefix: core.queues.prefix }));
  /**
   * A decision changes what the sign-off card shows and may open the gate;
   * NO-GO, HOLD and CONDITIONAL outcomes get their notice (once, by the
   * sign-off service's own bookkeeping).
   */
  async function afterDecision(runId: number, actor: string, notice = true): Promise<void> {
    const run = await core.store.runs.get(runId);
    if (!run || run.status === 'running') return;
    const signoffs = signoffServiceOf(core, slack);
    const channel = run.channelId ?? core.config.channel;
    try {
      if (notice && channel) await signoffs.postOutcomeNotice(runId, channel);
      await signoffs.refresh(run.planId, run.checkpointId, actor, channel ?? undefined);
    } catch (err) {
      core.logger.warn({ err, runId }, 'could not update sign-offs after the decision');
    }
  }

  return {
    cards,
    startRun: (input: StartRunInput) => startRun({ ...base, roles: core.roles, cards, launcher: launcherOf() }, input),
    runChecks: (runId: number, checkIds: string[], logger: Logger) => runCheckGroup({ ...base, config: core.config }, runId, checkIds, logger),
    async finalize(runId: number) {
      const outcome = await finalizeRun({ ...base, cards }, runId);
      await afterDecision(runId, 'golive');
      return outcome;
    },
    async attest(input: { runId: number; checkId: string; userId: string }) {
      const result = await attestCheck({ ...base, roles: core.roles, cards }, input);
      // An attestation can complete a decision: the sign-off card and the gate follow.
      if (result.ok) await afterDecision(input.runId, input.userId, false);
      return result;
    },
    scheduleCardRefresh: (runId: number) => scheduleCardRefresh(core.queues, runId),
    loadRunState: (runId: number) => loadRunState(base, runId),
    async close() {
      await launcher?.close();
    },
  };
}

export type Engine = ReturnType<typeof createEngine>;
