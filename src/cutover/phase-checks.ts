import { executeGroup } from '../checks/execute.js';
import type { CheckOutcome } from '../checks/types.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { decideCheckpoint } from '../decision/decide.js';
import type { CheckResult, Decision } from '../decision/types.js';
import { checkContextFor } from '../engine/check-context.js';
import { executionGroups } from '../engine/groups.js';
import type { Logger } from '../logger.js';
import type { PlanRegistry } from '../plan-registry.js';
import type { CutoverState } from '../plan/constants.js';
import type { Check, Checkpoint, Plan } from '../plan/schema.js';
import type { Store } from '../store/index.js';

export interface PhaseCheckDeps {
  plans: PlanRegistry;
  store: Store;
  config: Pick<Config, 'webUrl' | 'readVariable'>;
  clock: Clock;
  logger: Logger;
}

/** The checkpoint seen through one phase: only that phase's criteria (no trigger-only checks). */
export function checkpointOfPhase(cp: Checkpoint, phase: string, criteriaIds?: readonly string[]): Checkpoint {
  return {
    ...cp,
    criteria: cp.criteria.filter((c) => c.phase === phase && (!criteriaIds || criteriaIds.includes(c.id))),
    trigger_checks: [],
  };
}

export function checksOfPhase(cp: Checkpoint, phase: string, criteriaIds?: readonly string[]): Check[] {
  return checkpointOfPhase(cp, phase, criteriaIds).criteria.flatMap((c) => c.checks);
}

/**
 * Execute checks of a checkpoint with the engine's modules and grouping
 * (shared heavy checks once), one group after the other: a phase's checks
 * are few and some are timed, so nothing runs beside them. Manual checks
 * come back `pending` (they wait for a person's attestation).
 */
export async function executePhaseChecks(
  deps: PhaseCheckDeps,
  input: { plan: Plan; checkpoint: Checkpoint; phase: string; environment: string; criteriaIds?: readonly string[]; signal?: AbortSignal },
): Promise<Map<string, CheckOutcome & { environment: string }>> {
  const view = checkpointOfPhase(input.checkpoint, input.phase, input.criteriaIds);
  const out = new Map<string, CheckOutcome & { environment: string }>();
  for (const group of executionGroups(view, input.environment)) {
    const ctx = checkContextFor(deps, input.plan, input.checkpoint.id, group.environment);
    const outcomes = await executeGroup(group.checks, { ...ctx, signal: input.signal });
    for (const [id, outcome] of outcomes) out.set(id, { ...outcome, environment: group.environment });
  }
  return out;
}

export function toCheckResults(outcomes: Map<string, CheckOutcome>): CheckResult[] {
  return [...outcomes].map(([checkId, o]) => ({ checkId, status: o.status, observed: o.observed, reason: o.message }));
}

/** The phase's decision from outcomes (for the cutover decision, with the cutover's final state). */
export function decidePhase(plan: Plan, cp: Checkpoint, phase: string, results: CheckResult[], cutover?: CutoverState): Decision {
  return decideCheckpoint({ plan, checkpointId: cp.id, phase, results, cutover });
}
