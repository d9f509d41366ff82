import { GoliveError } from '../errors.js';
import { ruleHolds, type RuleFacts } from '../plan/rules.js';
import type { Checkpoint, DecisionSpec, Outcome, Plan, TriggerCondition } from '../plan/schema.js';
import { evaluateTriggers } from './triggers.js';
import {
  INCOMPLETE_LABEL,
  type CheckRef,
  type CheckResult,
  type CriterionVerdict,
  type CutoverProgress,
  type Decision,
  type TriggerEvaluation,
} from './types.js';

/**
 * A checkpoint's decision from its plan and the results of one run (pure).
 *
 * - A criterion fails when one of its non-optional checks fails or errors (an
 *   unreachable database fails its check). Optional checks never decide.
 * - A criterion with no failure but a pending check (a manual check not yet
 *   attested, a check with no result) or a skipped one (`skipped: not
 *   implemented`) is incomplete.
 * - The plan's outcomes are tried in order against the count of failed
 *   required criteria of the phase, whether any fail trigger fired, and (cp3
 *   cutover) how the cutover ended; the first that holds decides.
 * - A fail trigger that cannot be evaluated yet (a check it reads has no
 *   result or no figure: pending, skipped, or a trigger-only check that
 *   errored) is undetermined: it might still fire, so it keeps the decision
 *   open like an incomplete criterion.
 * - While something is open, only a NO-GO-like outcome can be decided (more
 *   results can only add failures, so it stands); anything else is
 *   INCOMPLETE (kind `incomplete`), with the outcome it would become if every
 *   open check passed as `provisional`.
 */
export interface DecideInput {
  plan: Plan;
  checkpointId: string;
  /** The decision to take (cp3: pre_cutover or validation); default: the checkpoint's first. */
  phase?: string | undefined;
  results: readonly CheckResult[];
  /** For a cutover decision: how far the cutover got. */
  cutover?: CutoverProgress | undefined;
  /** Trigger evaluations computed elsewhere; by default evaluated from the results. */
  triggers?: TriggerEvaluation[] | undefined;
}

export function decideCheckpoint(input: DecideInput): Decision {
  const cp = input.plan.checkpoints.find((c) => c.id === input.checkpointId);
  if (!cp) throw new GoliveError('CHECKPOINT_UNKNOWN', `plan ${input.plan.id} has no checkpoint ${input.checkpointId}`);
  const spec = pickDecision(cp, input.phase);
  const byId = new Map(input.results.map((r) => [r.checkId, r]));

  // One row per check of the phase: its result, or pending when none came yet.
  const phaseCriteria = cp.criteria.filter((c) => c.phase === spec.phase);
  const rows = phaseCriteria.flatMap((crit) =>
    crit.checks.map((check) => {
      const r = byId.get(check.id);
      const ref: CheckRef = {
        checkId: check.id,
        criterionId: crit.id,
        title: check.title,
        status: r?.status ?? 'pending',
        reason: r ? r.reason : 'no result yet',
      };
      return { ref, optional: check.optional };
    }),
  );
  const requiredRefs = rows.filter((x) => !x.optional).map((x) => x.ref);
  const isFailed = (r: CheckRef) => r.status === 'fail' || r.status === 'error';
  const isOpen = (r: CheckRef) => r.status === 'pending' || r.status === 'skipped';

  const criteria = phaseCriteria.map((crit): CriterionVerdict => {
    const mine = requiredRefs.filter((r) => r.criterionId === crit.id);
    const failedChecks = mine.filter(isFailed);
    const openChecks = mine.filter(isOpen);
    const status = failedChecks.length > 0 ? 'fail' : openChecks.length > 0 ? 'incomplete' : 'pass';
    return { criterionId: crit.id, title: crit.title, required: crit.required, status, failedChecks, openChecks };
  });

  const triggers = input.triggers ?? evaluateTriggers(cp, input.results).filter((t) => triggerAppliesToPhase(cp, t.triggerId, spec.phase));
  const firedTriggers = triggers.filter((t) => t.fired);
  const failedCriteria = criteria.filter((c) => c.required && c.status === 'fail');
  const incompleteCriteria = criteria.filter((c) => c.required && c.status === 'incomplete');
  const cutoverFinal = input.cutover === undefined || input.cutover === 'running' || input.cutover === 'not_started' ? undefined : input.cutover;
  const cutoverOpen = spec.subject === 'cutover' && cutoverFinal === undefined;

  const facts: RuleFacts = { failedCriteria: failedCriteria.length, triggerFired: firedTriggers.length > 0, cutover: cutoverFinal };
  const best = spec.outcomes.find((o) => ruleHolds(o.when, facts));
  // While the cutover runs, what it would decide if the cutover completes.
  const provisional = cutoverOpen ? spec.outcomes.find((o) => ruleHolds(o.when, { ...facts, cutover: 'completed' })) : best;
  const undeterminedTriggers = triggers.filter((t) => !t.fired && t.unknown);
  const open = incompleteCriteria.length > 0 || cutoverOpen || undeterminedTriggers.length > 0;
  const outcome = best && (!open || best.kind === 'nogo') ? best : undefined;

  const base = {
    planId: input.plan.id,
    checkpointId: cp.id,
    phase: spec.phase,
    criteria,
    failedCriteria,
    incompleteCriteria,
    failedOptionalCriteria: criteria.filter((c) => !c.required && c.status === 'fail'),
    triggers,
    firedTriggers,
    pendingChecks: requiredRefs.filter((r) => r.status === 'pending'),
    skippedChecks: requiredRefs.filter((r) => r.status === 'skipped'),
    erroredChecks: rows.filter((x) => x.ref.status === 'error').map((x) => x.ref),
    failedOptionalChecks: rows.filter((x) => x.optional && isFailed(x.ref)).map((x) => x.ref),
  };

  if (!outcome) {
    return {
      ...base,
      label: INCOMPLETE_LABEL,
      kind: 'incomplete',
      provisional,
      actions: [],
      reschedule: [],
      escalateTo: [],
      summary: incompleteSummary(base.pendingChecks.length, base.skippedChecks.length, undeterminedTriggers.length, cutoverOpen, input.cutover, provisional),
    };
  }
  return {
    ...base,
    label: outcome.label,
    kind: outcome.kind,
    outcome,
    actions: outcome.actions,
    reschedule: outcome.reschedule,
    next: outcome.next,
    escalateTo: outcome.escalate_to,
    summary: decidedSummary(outcome, failedCriteria, firedTriggers, cutoverFinal),
  };
}

/**
 * A trigger belongs to the decision of the phase whose checks it reads (or
 * to every phase when it reads trigger-only checks): cp3's pre-cutover
 * decision is not held open by a trigger on its validation checks.
 */
function triggerAppliesToPhase(cp: Checkpoint, triggerId: string, phase: string): boolean {
  const trigger = cp.triggers.find((t) => t.id === triggerId);
  if (!trigger) return true;
  const phaseOf = new Map(cp.criteria.flatMap((crit) => crit.checks.map((c) => [c.id, crit.phase] as const)));
  return conditionChecks(trigger.condition).some((id) => {
    const p = phaseOf.get(id);
    return p === undefined || p === phase;
  });
}

function conditionChecks(cond: TriggerCondition): string[] {
  if ('any_of' in cond) return cond.any_of.flatMap(conditionChecks);
  if ('all_of' in cond) return cond.all_of.flatMap(conditionChecks);
  return [cond.check];
}

export function pickDecision(cp: Checkpoint, phase: string | undefined): DecisionSpec {
  const spec = phase === undefined ? cp.decisions[0] : cp.decisions.find((d) => d.phase === phase);
  if (!spec) {
    throw new GoliveError(
      'DECISION_PHASE_UNKNOWN',
      `checkpoint ${cp.id} has no decision for phase ${phase ?? '(default)'} (phases: ${cp.decisions.map((d) => d.phase).join(', ')})`,
    );
  }
  return spec;
}

function incompleteSummary(
  pending: number,
  skipped: number,
  undetermined: number,
  cutoverOpen: boolean,
  cutover: CutoverProgress | undefined,
  best: Outcome | undefined,
): string {
  const parts: string[] = [];
  if (pending > 0) parts.push(`${pending} check${pending === 1 ? '' : 's'} pending`);
  if (skipped > 0) parts.push(`${skipped} check${skipped === 1 ? '' : 's'} skipped`);
  if (undetermined > 0) parts.push(`${undetermined} fail trigger${undetermined === 1 ? '' : 's'} undetermined`);
  if (cutoverOpen) parts.push(`cutover ${cutover ?? 'not started'}`);
  const would = best ? `; ${best.label} once they pass` : '';
  return `${INCOMPLETE_LABEL}: ${parts.join(', ')}${would}`;
}

function decidedSummary(
  outcome: Outcome,
  failed: CriterionVerdict[],
  fired: TriggerEvaluation[],
  cutover: CutoverProgress | undefined,
): string {
  const parts: string[] = [];
  parts.push(failed.length === 0 ? 'all criteria pass' : `${failed.length} failed: ${failed.map((c) => c.title).join(', ')}`);
  if (fired.length > 0) parts.push(`trigger${fired.length === 1 ? '' : 's'}: ${fired.map((t) => t.title).join(', ')}`);
  if (cutover) parts.push(`cutover ${cutover}`);
  return `${outcome.label}: ${parts.join('; ')}`;
}
