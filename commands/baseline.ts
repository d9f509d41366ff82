import { AUDIT } from '../src/audit/actions.js';
import type { Clock } from '../src/clock.js';
import { timingSettingsFor } from '../src/perf/baseline-capture.js';
import type { RoleResolver } from '../src/permissions.js';
import type { PlanRegistry } from '../src/plan-registry.js';
import { formatLocal } from '../src/plan/time.js';
import type { Queues } from '../src/queue/queues.js';
import { requirePermission } from '../src/require-permission.js';
import type { AuditStore } from '../src/store/audit.js';
import type { BaselineStore } from '../src/store/baselines.js';
import { ephemeral, type CommandHandler, type CommandOf } from './types.js';

/**
 * `/golive baseline capture ENV [replace]`: the "before" timings of the
 * plan's named queries. The web process never reaches a target database:
 * here only permission and the existing-baseline refusal; a worker times the
 * queries and posts the result in the channel.
 */
export function createBaselineCommand(deps: {
  plans: PlanRegistry;
  roles: RoleResolver;
  store: { baselines: BaselineStore; audit: AuditStore };
  queues: Queues;
  clock: Clock;
}): CommandHandler<CommandOf<'baseline'>> {
  return async (command, request) => {
    const plan = deps.plans.require(command.planId);
    const refusal = await requirePermission(deps, { plan, command: 'baseline', userId: request.userId, attempted: `baseline capture ${command.environment}` });
    if (refusal) return refusal;

    const queryIds = Object.keys(plan.queries);
    if (queryIds.length === 0) return ephemeral(`Plan \`${plan.id}\` names no queries (\`queries:\`), so there is nothing to time.`);

    if (!command.replace) {
      const existing = await deps.store.baselines.forEnvironment(plan.id, command.environment);
      const first = existing[0];
      if (first) {
        return ephemeral(
          `Not captured: ${command.environment} already has a baseline (${existing.map((b) => b.queryId).join(', ')}, ` +
            `captured ${formatLocal(first.capturedAt, plan.time_zone, true)} by <@${first.capturedBy}>). ` +
            `Later checks compare with it; to measure a new one over it: \`/golive ${plan.id} baseline capture ${command.environment} replace\``,
        );
      }
    }

    const requestKey = request.triggerId ?? `${request.userId}-${deps.clock.now().getTime()}`;
    await deps.queues.enqueue(
      'baseline-capture',
      {
        planId: plan.id,
        environment: command.environment,
        replace: command.replace,
        target: { channelId: request.channelId, userId: request.userId, responseUrl: request.responseUrl },
        requestKey,
      },
      // One capture per command; a retry would measure again, so none.
      { jobId: `baseline-${requestKey}`, attempts: 1 },
    );
    await deps.store.audit.append({
      actor: request.userId,
      action: AUDIT.baselineRequested,
      planId: plan.id,
      details: { environment: command.environment, replace: command.replace },
    });
    const runs = queryIds.map((id) => {
      const s = timingSettingsFor(plan, id);
      return `${id} ×${s.runs}`;
    });
    return ephemeral(
      `${command.replace ? 'Replacing' : 'Capturing'} the baseline of ${command.environment}: ${runs.join(', ')} runs after a warm-up, parameters varied per run. The result follows in the channel.`,
    );
  };
}
