import { AUDIT } from '../audit/actions.js';
import type { Clock } from '../clock.js';
import type { StartRunInput, StartRunResult } from '../engine/start-run.js';
import type { Logger } from '../logger.js';
import type { RoleResolver } from '../permissions.js';
import type { PlanRegistry } from '../plan-registry.js';
import type { Store } from '../store/index.js';

/**
 * The window's end (cp4's decide_at): golive runs the checkpoint itself, as
 * `/golive cp4 run` would, so the window's samples are judged, the decision
 * posted and the gate fed like any run. The run's request key makes a
 * re-delivered job find the run it started; the schedule row is marked done
 * so a restart does not queue it again.
 */

/** The actor of what golive does on its own (audit entries, runs it starts). */
export const SYSTEM_ACTOR = 'golive';

/**
 * A role resolver under which golive itself may run a checkpoint: the plan
 * allows `run` to roles, and the scheduled evaluation is the plan's own
 * (decide_at), not a person's.
 */
export function withSystemActor(resolver: RoleResolver, roleNames: () => string[]): RoleResolver {
  return {
    ...resolver,
    rolesOf: async (userId) => (userId === SYSTEM_ACTOR ? roleNames() : resolver.rolesOf(userId)),
    holds: async (userId, role) => (userId === SYSTEM_ACTOR ? roleNames().includes(role) : resolver.holds(userId, role)),
  };
}

export interface WindowEndDeps {
  plans: PlanRegistry;
  store: Pick<Store, 'schedules' | 'audit'>;
  clock: Clock;
  logger: Logger;
  startRun(input: StartRunInput): Promise<StartRunResult>;
  channelFor(planId: string): Promise<string | undefined>;
}

export type WindowEndResult = { started: number } | { duplicate: number } | { skipped: string };

export async function evaluateWindowEnd(
  deps: WindowEndDeps,
  input: { planId: string; checkpointId: string; environment: string; scheduleId: string; at: string },
): Promise<WindowEndResult> {
  const row = await deps.store.schedules.get(input.scheduleId);
  if (!row || row.endsAt.toISOString() !== input.at) return { skipped: 'the window moved since this job was queued' };
  if (row.doneAt) return { skipped: 'the window was evaluated already' };
  const plan = deps.plans.get(input.planId);
  if (!plan) return { skipped: `plan ${input.planId} is not loaded` };
  const channelId = await deps.channelFor(plan.id);
  if (!channelId) {
    deps.logger.warn({ planId: plan.id, checkpoint: input.checkpointId }, 'window end not evaluated: GOLIVE_CHANNEL is not set and the plan has no run channel');
    return { skipped: 'no channel for scheduled posts (GOLIVE_CHANNEL)' };
  }
  const result = await deps.startRun({
    planId: plan.id,
    checkpointId: input.checkpointId,
    environment: input.environment,
    userId: SYSTEM_ACTOR,
    channelId,
    requestKey: `window-end-${input.scheduleId}-${input.at}`,
  });
  const now = deps.clock.now();
  switch (result.kind) {
    case 'started':
    case 'duplicate': {
      if (await deps.store.schedules.markDone(input.scheduleId, now)) {
        await deps.store.audit.append({
          actor: SYSTEM_ACTOR,
          action: AUDIT.windowEvaluated,
          planId: plan.id,
          checkpointId: input.checkpointId,
          runId: result.run.id,
          details: { environment: input.environment, window_end: input.at },
        });
      }
      return result.kind === 'started' ? { started: result.run.id } : { duplicate: result.run.id };
    }
    case 'refused':
      // A run someone started a moment before judges the same samples: that one is the evaluation.
      if (/still in progress/.test(result.message)) {
        await deps.store.schedules.markDone(input.scheduleId, now);
        return { skipped: result.message };
      }
      throw new Error(`the window's evaluation was refused: ${result.message}`);
  }
}
