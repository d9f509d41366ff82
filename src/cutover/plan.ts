import path from 'node:path';
import { resolvePlanPath } from '../checks/plan-paths.js';
import { GoliveError } from '../errors.js';
import type { PlanRegistry } from '../plan-registry.js';
import { parseDuration } from '../plan/duration.js';
import type { Checkpoint, Cutover, Plan } from '../plan/schema.js';
import type { ThresholdAction } from '../store/cutovers.js';
import { resolveMoment, type MomentContext } from '../plan/time.js';

/**
 * What the cutover reads from the plan, in the units it works in
 * (milliseconds, absolute file paths). Pure except for resolving paths.
 */

export interface CutoverPlan {
  plan: Plan;
  checkpoint: Checkpoint;
  spec: Cutover;
  planDir: string;
  /** Migration files in the order they run. */
  applyFiles: { id: string; path: string }[];
  rollbackFile: { id: string; path: string };
  /** Step name → budget (ms). */
  budgets: Record<string, number>;
  thresholds: { action: ThresholdAction; afterMs: number; source: string }[];
  progressIntervalMs: number;
  rollbackLimitMs: number;
  /** The criteria phase the validation phase runs (cp3: validation). */
  validationPhase: string | undefined;
}

/** The checkpoint of a plan that has a cutover (cp3). */
export function cutoverCheckpoint(plan: Plan): Checkpoint {
  const cp = plan.checkpoints.find((c) => c.cutover !== undefined);
  if (!cp) throw new GoliveError('NO_CUTOVER', `plan ${plan.id} has no checkpoint with a cutover section`);
  return cp;
}

export function cutoverPlanOf(plans: PlanRegistry, planId: string): CutoverPlan {
  const plan = plans.require(planId);
  const checkpoint = cutoverCheckpoint(plan);
  const spec = checkpoint.cutover!;
  const planDir = path.dirname(path.resolve(plans.loaded(plan.id)?.file ?? '.'));
  const file = (id: string) => {
    const entry = plan.migration.files.find((f) => f.id === id);
    if (!entry) throw new GoliveError('PLAN_INVALID', `plan ${plan.id}: migration file ${id} is not in migration.files`);
    return { id, path: resolvePlanPath(planDir, entry.path) };
  };
  return {
    plan,
    checkpoint,
    spec,
    planDir,
    applyFiles: plan.migration.apply.map(file),
    rollbackFile: file(plan.migration.rollback),
    budgets: Object.fromEntries(spec.steps.map((s) => [s.name, parseDuration(s.budget)])),
    thresholds: spec.thresholds.items.map((t) => ({ action: t.action, afterMs: parseDuration(t.after), source: t.source })).sort((a, b) => a.afterMs - b.afterMs),
    progressIntervalMs: parseDuration(spec.progress.interval),
    rollbackLimitMs: parseDuration(spec.rollback.limit),
    validationPhase: spec.phases.find((p) => p.criteria_phase)?.criteria_phase,
  };
}

/**
 * The limit a rollback is timed against: the cutover's own (cp3: < 5 min),
 * or, once the checkpoint after the cutover has begun (cp4, the stability
 * watch, with up to 48 h of writes to carry back), the longest
 * `rollback_within` its outcomes state (cp4: < 10 min).
 */
export function rollbackLimitAt(cp: CutoverPlan, now: Date, moments: MomentContext): { ms: number; source: string } {
  const own = { ms: cp.rollbackLimitMs, source: `${cp.checkpoint.id} rollback limit` };
  const index = cp.plan.checkpoints.findIndex((c) => c.id === cp.checkpoint.id);
  const next = cp.plan.checkpoints[index + 1];
  if (!next || resolveMoment(next.window.start, moments).getTime() > now.getTime()) return own;
  const stated = next.decisions
    .flatMap((d) => d.outcomes)
    .filter((o) => o.rollback_within !== undefined)
    .map((o) => ({ ms: parseDuration(o.rollback_within!), source: `${next.id} ${o.label}` }))
    .sort((a, b) => b.ms - a.ms)[0];
  return stated ?? own;
}

/** The cutover rule of a case (critical_error, validation_fail …), if the plan states one. */
export function ruleOf(spec: Cutover, kase: Cutover['rules'][number]['case']): Cutover['rules'][number] | undefined {
  return spec.rules.find((r) => r.case === kase);
}

/** Downtime target as { min, max } ms. */
export function downtimeTarget(spec: Cutover): { min: number; max: number } {
  const t = spec.downtime_target;
  if (typeof t === 'string') {
    const ms = parseDuration(t);
    return { min: ms, max: ms };
  }
  return { min: parseDuration(t.min), max: parseDuration(t.max) };
}

/** The budget of the steps still to run from `index` (the estimate of the remaining migration). */
export function remainingBudgetMs(stepNames: string[], budgets: Record<string, number>, fromIndex: number): number {
  return stepNames.slice(fromIndex).reduce((sum, name) => sum + (budgets[name] ?? 0), 0);
}

/** The decision of the cutover (subject: cutover): its phase. */
export function cutoverDecisionPhase(cp: Checkpoint): string {
  const spec = cp.decisions.find((d) => d.subject === 'cutover');
  if (!spec) throw new GoliveError('PLAN_INVALID', `checkpoint ${cp.id} has no decision with subject: cutover`);
  return spec.phase;
}

/** The pre-cutover decision's phase (the checks decision that is not the cutover's). */
export function preCutoverPhase(cp: Checkpoint): string {
  const byCriteria = cp.pre_cutover?.slots.flatMap((s) => s.criteria).map((id) => cp.criteria.find((c) => c.id === id)?.phase).find(Boolean);
  return byCriteria ?? cp.decisions.find((d) => d.subject !== 'cutover')?.phase ?? cp.decisions[0]!.phase;
}
