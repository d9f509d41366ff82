import { checkTypes, isCheckTypeId, type CheckTypeDef } from '../../../src/plan/check-types.js';
import { toBaseUnits } from '../../../src/plan/units.js';
import { allChecks, type Checkpoint, type Plan, type TriggerCondition } from '../../../src/plan/schema.js';
import type { CheckResult } from '../../../src/decision/types.js';
import type { ComparisonOp } from '../../../src/plan/expect.js';

/**
 * Results for a checkpoint as a run would report them: every check passes
 * with figures that keep every fail trigger quiet (each trigger can be
 * evaluated, so none is left undetermined). Tests then change one thing.
 */

type Leaf = { check: string; metric?: string | undefined; op: ComparisonOp; value: number | boolean | string; unit?: Parameters<typeof toBaseUnits>[1] };

function leaves(cond: TriggerCondition): TriggerCondition[] {
  if ('any_of' in cond) return cond.any_of.flatMap(leaves);
  if ('all_of' in cond) return cond.all_of.flatMap(leaves);
  return [cond];
}

function comparisonLeaves(cp: Checkpoint): Leaf[] {
  return cp.triggers.flatMap((t) => leaves(t.condition)).filter((l): l is Leaf & TriggerCondition => 'op' in l) as Leaf[];
}

function primaryOf(plan: Plan, cp: Checkpoint, checkId: string): string {
  const check = allChecks(cp).find((c) => c.id === checkId);
  return check && isCheckTypeId(check.type) ? (checkTypes[check.type] as CheckTypeDef).primary : 'value';
}

/** A figure for which `actual OP bound` is false (quiet) or true (fire). */
function figureFor(leaf: Leaf, fire: boolean): number | boolean | string {
  if (typeof leaf.value !== 'number') return fire ? leaf.value : `not ${String(leaf.value)}`;
  const bound = toBaseUnits(leaf.value, leaf.unit);
  const below = bound - 1;
  const above = bound + 1;
  switch (leaf.op) {
    case '<':
      return fire ? below : bound;
    case '<=':
      return fire ? bound : above;
    case '>':
      return fire ? above : bound;
    case '>=':
      return fire ? bound : below;
    case '==':
      return fire ? bound : above;
    case '!=':
      return fire ? above : bound;
    case 'between':
      return fire ? bound : below;
  }
}

export function passingResults(plan: Plan, checkpointId: string): CheckResult[] {
  const cp = plan.checkpoints.find((c) => c.id === checkpointId)!;
  const observed = new Map<string, Record<string, number | boolean | string>>();
  for (const leaf of comparisonLeaves(cp)) {
    const figures = observed.get(leaf.check) ?? {};
    figures[leaf.metric ?? primaryOf(plan, cp, leaf.check)] = figureFor(leaf, false);
    observed.set(leaf.check, figures);
  }
  return allChecks(cp).map((c) => ({ checkId: c.id, status: 'pass', observed: observed.get(c.id) ?? {} }));
}

/** Results with some checks changed (status, figures or both). */
export function withChanges(results: CheckResult[], changes: Record<string, Partial<CheckResult>>): CheckResult[] {
  for (const id of Object.keys(changes)) {
    if (!results.some((r) => r.checkId === id)) throw new Error(`no result for check ${id}`);
  }
  return results.map((r) => {
    const change = changes[r.checkId];
    if (!change) return r;
    return { ...r, ...change, observed: change.observed === undefined ? r.observed : { ...(r.observed as object), ...(change.observed as object) } };
  });
}

/** Make the trigger with this id fire through its first comparison leaf (the check keeps its status). */
export function firing(plan: Plan, checkpointId: string, triggerId: string): Record<string, Partial<CheckResult>> {
  const cp = plan.checkpoints.find((c) => c.id === checkpointId)!;
  const trigger = cp.triggers.find((t) => t.id === triggerId)!;
  const leaf = leaves(trigger.condition).find((l): l is Leaf & TriggerCondition => 'op' in l) as Leaf | undefined;
  if (!leaf) throw new Error(`trigger ${triggerId} has no comparison`);
  return { [leaf.check]: { observed: { [leaf.metric ?? primaryOf(plan, cp, leaf.check)]: figureFor(leaf, true) } } };
}

/** The first check of each of the first `n` required criteria of a phase, failed. */
export function failingCriteria(plan: Plan, checkpointId: string, n: number, phase = 'main'): Record<string, Partial<CheckResult>> {
  const cp = plan.checkpoints.find((c) => c.id === checkpointId)!;
  const criteria = cp.criteria.filter((c) => c.phase === phase && c.required);
  if (criteria.length < n) throw new Error(`${checkpointId} has only ${criteria.length} criteria in phase ${phase}`);
  return Object.fromEntries(criteria.slice(0, n).map((c) => [c.checks[0]!.id, { status: 'fail' as const, reason: 'made to fail' }]));
}

/** Only the results of the checks in criteria of one phase (and trigger-only checks). */
export function ofPhase(plan: Plan, checkpointId: string, results: CheckResult[], phase: string): CheckResult[] {
  const cp = plan.checkpoints.find((c) => c.id === checkpointId)!;
  const ids = new Set([...cp.criteria.filter((c) => c.phase === phase).flatMap((c) => c.checks.map((k) => k.id)), ...cp.trigger_checks.map((c) => c.id)]);
  return results.filter((r) => ids.has(r.checkId));
}
