import { executeGroup } from '../checks/execute.js';
import type { Logger } from '../logger.js';
import { resultRow } from './result-row.js';
import { checkContextFor, type CheckEnvironmentDeps } from './check-context.js';
import { environmentOf } from './groups.js';
import { allChecks, criterionOfChecks, findCheckpoint } from '../plan/schema.js';

/**
 * One execution of a run's checks (one check, or a shared group), recorded
 * once per check. BullMQ may deliver the job again (a worker died mid-check):
 * checks already recorded are not measured again, and the insert ignores a
 * duplicate, so each result is recorded exactly once.
 */
export async function runCheckGroup(deps: CheckEnvironmentDeps, runId: number, checkIds: string[], logger: Logger): Promise<{ recorded: string[]; skipped: boolean }> {
  const run = await deps.store.runs.get(runId);
  if (!run || run.status !== 'running') return { recorded: [], skipped: true };
  const plan = deps.plans.require(run.planId);
  const cp = findCheckpoint(plan, run.checkpointId);
  if (!cp) return { recorded: [], skipped: true };

  const already = new Set((await deps.store.runs.results(runId)).map((r) => r.checkId));
  if (checkIds.every((id) => already.has(id))) return { recorded: [], skipped: true };
  const byId = new Map(allChecks(cp).map((c) => [c.id, c]));
  const checks = checkIds.map((id) => byId.get(id)).filter((c) => c !== undefined);
  const criterionOf = criterionOfChecks(cp);
  const first = checks[0];
  if (!first) return { recorded: [], skipped: true };

  const environment = environmentOf(first, run.environment ?? cp.environment);
  const ctx = checkContextFor({ ...deps, logger }, plan, cp.id, environment);
  const outcomes = await executeGroup(checks, ctx);
  const recorded: string[] = [];
  for (const [checkId, outcome] of outcomes) {
    if (await deps.store.runs.recordResult(resultRow(runId, checkId, criterionOf.get(checkId), outcome, { environment }))) recorded.push(checkId);
  }
  logger.info({ runId, checks: checkIds, statuses: [...outcomes.values()].map((o) => o.status) }, 'checks recorded');
  return { recorded, skipped: false };
}
