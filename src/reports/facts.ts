import { gatherBriefingFacts } from '../briefing/facts.js';
import type { Logger } from '../logger.js';
import type { PlanRegistry } from '../plan-registry.js';
import { allChecks, findCheckpoint } from '../plan/schema.js';
import { evidenceOfRun } from '../signoff/evidence.js';
import type { Store } from '../store/index.js';
import type { RunRecord } from '../store/runs.js';
import { GoliveError } from '../errors.js';
import { readCutovers, readExecutions, readLatestRuns, readPhaseAudit } from './sources.js';
import type { ReportFacts } from './types.js';

export interface FactsDeps {
  plans: PlanRegistry;
  store: Store;
  logger: Logger;
}

/**
 * Everything a checkpoint's documents say, read from the state DB for one
 * run (the run being signed). Nothing here reaches a target database.
 */
export async function gatherReportFacts(
  deps: FactsDeps,
  input: { planId: string; checkpointId: string; runId: number; generatedAt: Date; generatedBy: string },
): Promise<ReportFacts> {
  const plan = deps.plans.require(input.planId);
  const checkpoint = findCheckpoint(plan, input.checkpointId);
  if (!checkpoint) throw new GoliveError('REPORT_UNKNOWN_CHECKPOINT', `plan ${plan.id} has no checkpoint ${input.checkpointId}`);
  const run: RunRecord | undefined = await deps.store.runs.get(input.runId);
  if (!run || run.planId !== plan.id || run.checkpointId !== checkpoint.id) {
    throw new GoliveError('REPORT_UNKNOWN_RUN', `run ${input.runId} is not a run of ${plan.id} ${checkpoint.id}`);
  }
  const { store, plans } = deps;
  const environment = run.environment ?? checkpoint.environment;
  const [results, attestations, signoffs, mitigations, incidents, executions, audit, cutovers, otherRuns] = await Promise.all([
    store.runs.results(run.id),
    store.attestations.forRun(run.id),
    store.signoffs.liveForRun(run.id),
    store.mitigations.forRun(run.id),
    store.incidents.list({ planId: plan.id }),
    readExecutions(store.pool, plan.id, environment),
    readPhaseAudit(store.pool, plan.id),
    readCutovers(store.pool, plan.id),
    readLatestRuns(store.pool, plan.id),
  ]);

  // Baselines of every environment a check of this checkpoint runs on (and the plan's shadow, the comparison's other side).
  const environments = new Set([environment, ...allChecks(checkpoint).map((c) => c.environment ?? environment), ...Object.keys(plan.environments)]);
  const baselines = new Map<string, Awaited<ReturnType<typeof store.baselines.forEnvironment>>>();
  for (const env of environments) {
    const list = await store.baselines.forEnvironment(plan.id, env);
    if (list.length) baselines.set(env, list);
  }

  let stability: ReportFacts['stability'];
  if (checkpoint.monitoring) {
    try {
      stability = await gatherBriefingFacts({ plans, store, logger: deps.logger }, { planId: plan.id, checkpointId: checkpoint.id, title: 'Daily report', now: input.generatedAt });
    } catch (err) {
      deps.logger.warn({ err, planId: plan.id }, 'report: the stability figures could not be read');
    }
  }

  return {
    plan,
    checkpoint,
    run,
    evidence: evidenceOfRun(checkpoint, run, results),
    results: new Map(results.map((r) => [r.checkId, r])),
    attestations,
    signoffs,
    mitigations,
    incidents,
    baselines,
    executions,
    audit,
    cutovers,
    otherRuns: otherRuns.filter((r) => r.checkpointId !== checkpoint.id),
    stability,
    people: new Map(plans.people().map((p) => [p.id, p.name])),
    generatedAt: input.generatedAt,
    generatedBy: input.generatedBy,
  };
}
