import type { Clock } from '../src/clock.js';
import type { RoleResolver } from '../src/permissions.js';
import type { PlanRegistry } from '../src/plan-registry.js';
import { findCheckpoint } from '../src/plan/schema.js';
import type { Queues } from '../src/queue/queues.js';
import { documentsOf, REPORT_AUDIT } from '../src/reports/plan-documents.js';
import { requirePermission } from '../src/require-permission.js';
import type { AuditStore } from '../src/store/audit.js';
import type { RunStore } from '../src/store/runs.js';
import { ephemeral, type CommandHandler, type CommandOf } from './types.js';

/**
 * `/golive cpN report`: the checkpoint's documents, built by a worker from
 * the latest run's stored evidence (the run the sign-offs are for) and
 * uploaded to the channel. Open to anyone unless the plan names roles for
 * `report`.
 */
export function createReportCommand(deps: {
  plans: PlanRegistry;
  roles: RoleResolver;
  store: { runs: RunStore; audit: AuditStore };
  queues: Queues;
  clock: Clock;
}): CommandHandler<CommandOf<'checkpoint'>> {
  return async (command, request) => {
    const plan = deps.plans.require(command.planId);
    const cp = findCheckpoint(plan, command.checkpointId);
    if (!cp) return ephemeral(`Plan \`${plan.id}\` has no checkpoint ${command.checkpointId}.`);
    const refusal = await requirePermission(deps, { plan, command: 'report', userId: request.userId, checkpointId: cp.id, attempted: `${cp.id} report` });
    if (refusal) return refusal;

    const documents = documentsOf(plan, cp);
    if (documents.length === 0) return ephemeral(`The plan lists no documents for ${cp.id} (its “Documentation Required” is empty), so there is nothing to build.`);
    const run = await deps.store.runs.latest(plan.id, cp.id);
    if (!run) return ephemeral(`${cp.id} has no run yet: the documents are built from a run’s evidence. Start one with \`/golive ${plan.id} ${cp.id} run\`.`);
    if (run.status === 'running') return ephemeral(`${cp.id} run #${run.number} is still running: ask for the report once it has finished.`);

    const now = deps.clock.now();
    const requestKey = request.triggerId ?? `${request.userId}-${now.getTime()}`;
    await deps.queues.enqueue(
      'report',
      {
        planId: plan.id,
        checkpointId: cp.id,
        runId: run.id,
        target: { channelId: request.channelId, userId: request.userId, responseUrl: request.responseUrl },
        requestKey,
        requestedAt: now.toISOString(),
      },
      // A retry rebuilds the same bytes (the request time is in the payload) and skips what was recorded.
      { jobId: `report-${requestKey}`, attempts: 2 },
    );
    await deps.store.audit.append({ actor: request.userId, action: REPORT_AUDIT.requested, planId: plan.id, checkpointId: cp.id, runId: run.id, details: { runNumber: run.number, documents: documents.map((d) => d.doc.id) } });
    return ephemeral(`Building ${documents.length} document${documents.length === 1 ? '' : 's'} of ${cp.id} from run #${run.number} (${run.decision ?? run.status}); they will be uploaded to the channel.`);
  };
}
