import type { Pool } from '../src/db/pool.js';
import { runningMigration } from '../src/engine/migrate.js';
import { authorize, type RoleResolver } from '../src/permissions.js';
import type { PlanRegistry } from '../src/plan-registry.js';
import { findCheckpoint } from '../src/plan/schema.js';
import { formatLocal } from '../src/plan/time.js';
import type { Queues } from '../src/queue/queues.js';
import { ephemeral, type CommandHandler, type CommandOf } from './types.js';

/**
 * `/golive cp2 migrate`: back up the checkpoint's environment and migrate it.
 * The web process never touches a target database, so whether the
 * environment is migrated already is checked by the job, which refuses in
 * the channel; here: permission, and no migration of it still running.
 */
export function createMigrateCommand(deps: { plans: PlanRegistry; roles: RoleResolver; queues: Queues; pool: Pool }): CommandHandler<CommandOf<'checkpoint'>> {
  return async (command, request) => {
    const plan = deps.plans.require(command.planId);
    const cp = findCheckpoint(plan, command.checkpointId);
    if (!cp) return ephemeral(`plan \`${plan.id}\` has no checkpoint \`${command.checkpointId}\``);
    const auth = await authorize(deps.roles, plan, 'migrate', request.userId, cp.id);
    if (!auth.allowed) return ephemeral(`Not started: ${auth.message}`);
    const environment = cp.environment;
    const running = await runningMigration(deps.pool, plan.id, environment);
    if (running) {
      return ephemeral(
        `Not started: a migration of ${environment} is still running (execution ${running.id}, started${running.startedBy ? ` by <@${running.startedBy}>` : ''} at ${formatLocal(running.startedAt, plan.time_zone, true)}).`,
      );
    }
    const requestKey = request.triggerId ?? `${request.userId}-${Date.now()}`;
    await deps.queues.enqueue(
      'migrate-staging',
      { planId: plan.id, checkpointId: cp.id, environment, target: { channelId: request.channelId, userId: request.userId, responseUrl: request.responseUrl }, requestKey },
      // Never retried on its own: a half-done migration waits for a person.
      { jobId: `migrate-${requestKey}`, attempts: 1 },
    );
    return ephemeral(`Migration of ${environment} queued: golive checks it is not migrated yet, backs it up, then runs the migration; progress follows in the channel.`);
  };
}
