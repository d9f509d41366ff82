import { checkTypes, executionKey, isCheckTypeId, type CheckTypeDef } from '../plan/check-types.js';
import { allChecks, type Check, type Checkpoint } from '../plan/schema.js';

/**
 * How a run's checks become jobs. Checks of a `shared` type with identical
 * params on the same environment are one execution (one pg_dump, one load
 * test) judged once per check; every other check is its own execution.
 * Shared types are the heavy ones: the flow runs them one after another.
 */
export interface ExecutionGroup {
  /** The first check's id: with the run id it makes the job id. */
  id: string;
  checks: Check[];
  environment: string;
  heavy: boolean;
  /** Runs after every other group of the run (registry `runsLast`: the rollback drill). */
  last?: boolean;
}

export function environmentOf(check: Pick<Check, 'environment'>, runEnvironment: string): string {
  return check.environment ?? runEnvironment;
}

export function executionGroups(checkpoint: Checkpoint, runEnvironment: string): ExecutionGroup[] {
  const groups = new Map<string, ExecutionGroup>();
  for (const check of allChecks(checkpoint)) {
    const environment = environmentOf(check, runEnvironment);
    const key = executionKey({ ...check, environment });
    const existing = groups.get(key);
    if (existing) existing.checks.push(check);
    else groups.set(key, { id: check.id, checks: [check], environment, heavy: isHeavy(check.type), last: runsLast(check.type) });
  }
  return [...groups.values()];
}

export function isHeavy(type: string): boolean {
  // `serial` types (query timings) are not shared but must not run beside a load test either.
  return isCheckTypeId(type) && ((checkTypes[type] as CheckTypeDef).shared === true || (checkTypes[type] as CheckTypeDef).serial === true);
}

export function runsLast(type: string): boolean {
  return isCheckTypeId(type) && (checkTypes[type] as CheckTypeDef).runsLast === true;
}

/**
 * Job ids: stable per run, check and flow generation, so a second enqueue of
 * the same flow is ignored. Generation 1 keeps the ids jobs queued before
 * generations existed were given; a recovered flow (generation 2+) gets new ones.
 */
export function checkJobId(runId: number, groupId: string, generation = 1): string {
  return `run-${runId}${generationTag(generation)}-check-${groupId}`;
}

export function finalizeJobId(runId: number, generation = 1): string {
  return `run-${runId}${generationTag(generation)}-finalize`;
}

function generationTag(generation: number): string {
  return generation === 1 ? '' : `-g${generation}`;
}
