import type { Clock } from '../clock.js';
import { describeError } from '../errors.js';
import type { Logger } from '../logger.js';
import { authorize, type RoleResolver } from '../permissions.js';
import type { PlanRegistry } from '../plan-registry.js';
import { findCheckpoint } from '../plan/schema.js';
import { formatLocal } from '../plan/time.js';
import type { Store } from '../store/index.js';
import { RunInProgressError, type RunRecord } from '../store/runs.js';
import type { RunCards } from './cards.js';
import type { RunLauncher } from './flow.js';
import { executionGroups } from './groups.js';

export interface StartRunDeps {
  plans: PlanRegistry;
  roles: RoleResolver;
  store: Store;
  cards: RunCards;
  launcher: RunLauncher;
  clock: Clock;
  logger: Logger;
}

export interface StartRunInput {
  planId: string;
  checkpointId: string;
  environment?: string | undefined;
  userId: string;
  channelId: string;
  /** The command's trigger id: a re-delivered command finds its run instead of starting another. */
  requestKey?: string | undefined;
}

export type StartRunResult =
  | { kind: 'started'; run: RunRecord; checks: number; jobs: number }
  | { kind: 'duplicate'; run: RunRecord }
  | { kind: 'refused'; message: string };

/**
 * `/golive cpN run [ENV]`: permission, the run row (one running run per
 * checkpoint, enforced by the state DB), the card posted at once, then the
 * flow of check jobs. If the flow cannot be queued the run is closed as
 * failed, so it cannot block the next attempt.
 */
export async function startRun(deps: StartRunDeps, input: StartRunInput): Promise<StartRunResult> {
  const plan = deps.plans.require(input.planId);
  const cp = findCheckpoint(plan, input.checkpointId);
  if (!cp) return { kind: 'refused', message: `plan \`${plan.id}\` has no checkpoint \`${input.checkpointId}\`` };
  const auth = await authorize(deps.roles, plan, 'run', input.userId, cp.id);
  if (!auth.allowed) return { kind: 'refused', message: auth.message };
  const environment = input.environment ?? cp.environment;

  let created: { run: RunRecord; created: boolean };
  try {
    created = await deps.store.runs.create({
      planId: plan.id,
      checkpointId: cp.id,
      environment,
      startedBy: input.userId,
      requestKey: input.requestKey,
      channelId: input.channelId,
      now: deps.clock.now(),
    });
  } catch (err) {
    if (err instanceof RunInProgressError) return { kind: 'refused', message: inProgressMessage(err.running, plan.time_zone) };
    throw err;
  }
  if (!created.created) return { kind: 'duplicate', run: created.run };
  const run = created.run;
  await deps.store.audit.append({ actor: input.userId, action: 'run.started', planId: plan.id, checkpointId: cp.id, runId: run.id, details: { environment, roles: auth.roles } });

  const groups = executionGroups(cp, environment);
  try {
    await deps.cards.post(run.id, input.channelId);
    // On record before it is queued: a flow lost between the two is found by the recovery pass.
    await deps.store.runs.markFlow(run.id, 1);
    await deps.launcher.launch(run.id, groups);
  } catch (err) {
    // A run that never got its jobs must not block the next attempt as "in progress".
    deps.logger.error({ err, runId: run.id }, 'could not queue the run');
    await deps.store.runs.finish(run.id, {
      status: 'failed',
      decision: 'NOT RUN',
      decisionKind: 'error',
      decisionDetail: { reason: describeError(err) },
      evidenceDigest: '',
      now: deps.clock.now(),
    });
    await deps.cards.refresh(run.id).catch(() => {});
    throw err;
  }
  return { kind: 'started', run, checks: groups.reduce((n, g) => n + g.checks.length, 0), jobs: groups.length };
}

function inProgressMessage(running: RunRecord, timeZone: string): string {
  const where = running.channelId ? ` Its card is in <#${running.channelId}>.` : '';
  return (
    `run #${running.number} of ${running.checkpointId} is still in progress (started by <@${running.startedBy}> at ${formatLocal(running.startedAt, timeZone, true)}).` +
    `${where} Wait for its decision, then run again.`
  );
}
