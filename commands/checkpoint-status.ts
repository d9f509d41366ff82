import type { Clock } from '../src/clock.js';
import { loadRunState } from '../src/engine/run-state.js';
import type { PlanRegistry } from '../src/plan-registry.js';
import { findCheckpoint } from '../src/plan/schema.js';
import { checkpointStatusView } from '../src/slack/views/checkpoint-status.js';
import type { Store } from '../src/store/index.js';
import { ephemeral, type CommandHandler, type CommandOf } from './types.js';

/** `/golive cpN status`: the checkpoint's criteria with the latest run's evidence, for the asker only. */
export function createCheckpointStatusCommand(deps: { plans: PlanRegistry; store: Store; clock: Clock }): CommandHandler<CommandOf<'checkpoint'>> {
  return async (command) => {
    const plan = deps.plans.require(command.planId);
    const checkpoint = findCheckpoint(plan, command.checkpointId);
    if (!checkpoint) return ephemeral(`plan \`${plan.id}\` has no checkpoint \`${command.checkpointId}\``);
    const run = await deps.store.runs.latest(plan.id, checkpoint.id);
    const latest = run ? await loadRunState(deps, run.id) : undefined;
    const view = checkpointStatusView({ plan, checkpoint, latest, moments: deps.plans.momentContext(plan.id), now: deps.clock.now() });
    return ephemeral(view.text, view.blocks);
  };
}
