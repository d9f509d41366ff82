import type { Clock } from '../src/clock.js';
import type { PlanRegistry } from '../src/plan-registry.js';
import type { RunStore } from '../src/store/runs.js';
import { planStatusView } from '../src/slack/views/plan-status.js';
import { ephemeral, type CommandHandler, type CommandOf } from './types.js';

/** `/golive status`: every checkpoint of the plan and where it stands (read from the state DB). */
export function createStatusCommand(deps: { plans: PlanRegistry; runs: RunStore; clock: Clock }): CommandHandler<CommandOf<'status'>> {
  return async (command) => {
    const plan = deps.plans.require(command.planId);
    const latestRuns = await deps.runs.latestPerCheckpoint(plan.id);
    const view = planStatusView({ plan, latestRuns, moments: deps.plans.momentContext(plan.id), now: deps.clock.now() });
    return ephemeral(view.text, view.blocks);
  };
}
