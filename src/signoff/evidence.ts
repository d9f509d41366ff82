import type { Checkpoint, DecisionSpec, Outcome, Plan, Range, Reschedule } from '../plan/schema.js';
import { parseDuration } from '../plan/duration.js';
import type { CheckResultRecord, RunRecord } from '../store/runs.js';

/**
 * What a run decided, read back from the state DB and matched against the
 * plan: the outcome (with its actions, reschedule, next checkpoint), its kind,
 * and the failed criteria. Pure functions; the run row is the only input that
 * came from outside, and it came from the state DB.
 */

export type EvidenceKind = 'go' | 'conditional' | 'nogo' | 'incomplete' | 'running' | 'unknown';

export interface FailedCriterion {
  criterionId: string;
  title: string;
}

export interface RunEvidence {
  /** The decision's label as shown (GO, HOLD, COMPLETE …), or the run's state. */
  label: string;
  kind: EvidenceKind;
  outcome?: Outcome | undefined;
  /** The plan decision the outcome belongs to. */
  spec?: DecisionSpec | undefined;
  failedCriteria: FailedCriterion[];
  /** True when the outcome is the one the gate reads (for cp3: the cutover decision). */
  gateDecision: boolean;
  /** Complete, with an evidence digest, decided by the gate's decision with a GO-like outcome. */
  signable: boolean;
}

/**
 * The decision whose outcome opens the next checkpoint. A checkpoint with a
 * cutover decision (cp3) is judged on the cutover record, not on its
 * pre-cutover PROCEED; otherwise the decision that names a next checkpoint,
 * or the first.
 */
export function gateDecisionSpec(cp: Checkpoint): DecisionSpec {
  return (
    cp.decisions.find((d) => d.subject === 'cutover') ??
    cp.decisions.find((d) => d.outcomes.some((o) => o.next !== undefined)) ??
    cp.decisions[0]!
  );
}

export function evidenceOfRun(cp: Checkpoint, run: RunRecord, results: CheckResultRecord[] = []): RunEvidence {
  const detail = isRecord(run.decisionDetail) ? run.decisionDetail : {};
  const found = findOutcome(cp, run, detail);
  const failedCriteria = failedCriteriaOf(cp, detail, results, found?.spec);
  if (run.status === 'running') {
    return { label: 'running', kind: 'running', failedCriteria, gateDecision: false, signable: false };
  }
  const kind = (found?.outcome.kind ?? normaliseKind(run.decisionKind)) as EvidenceKind;
  const gateDecision = found !== undefined && found.spec === gateDecisionSpec(cp);
  const signable = run.status === 'complete' && !!run.evidenceDigest && kind === 'go' && gateDecision;
  return {
    label: found?.outcome.label ?? run.decision ?? (run.status === 'complete' ? 'undecided' : run.status),
    kind,
    outcome: found?.outcome,
    spec: found?.spec,
    failedCriteria,
    gateDecision,
    signable,
  };
}

function findOutcome(cp: Checkpoint, run: RunRecord, detail: Record<string, unknown>): { outcome: Outcome; spec: DecisionSpec } | undefined {
  const phase = typeof detail.phase === 'string' ? detail.phase : undefined;
  const specs = phase ? cp.decisions.filter((d) => d.phase === phase) : cp.decisions;
  // The engine stores the outcome's id (decide-run.ts); a whole Decision carries it as outcome.id.
  const id =
    typeof detail.outcome === 'string'
      ? detail.outcome
      : isRecord(detail.outcome) && typeof detail.outcome.id === 'string'
        ? detail.outcome.id
        : undefined;
  if (id) {
    for (const spec of specs) {
      const outcome = spec.outcomes.find((o) => o.id === id);
      if (outcome) return { outcome, spec };
    }
  }
  if (!run.decision) return undefined;
  // By label, preferring the gate's decision (cp3's COMPLETE over a pre-cutover label).
  const ordered = [gateDecisionSpec(cp), ...specs.filter((s) => s !== gateDecisionSpec(cp))].filter((s) => specs.includes(s));
  for (const spec of ordered) {
    const outcome = spec.outcomes.find((o) => o.label.toLowerCase() === run.decision!.toLowerCase());
    if (outcome) return { outcome, spec };
  }
  return undefined;
}

/** From the stored decision when it lists them; otherwise from the check results. */
function failedCriteriaOf(cp: Checkpoint, detail: Record<string, unknown>, results: CheckResultRecord[], spec: DecisionSpec | undefined): FailedCriterion[] {
  const titleOf = (id: string) => cp.criteria.find((c) => c.id === id)?.title ?? id;
  // failed_criteria: ids (the engine's decide-run.ts); failedCriteria: verdicts (a whole Decision).
  const listed = Array.isArray(detail.failed_criteria) ? detail.failed_criteria : Array.isArray(detail.failedCriteria) ? detail.failedCriteria : undefined;
  if (listed) {
    return listed
      .map((c) => (typeof c === 'string' ? c : isRecord(c) ? String(c.criterionId ?? c.id ?? '') : ''))
      .filter(Boolean)
      .map((id) => ({ criterionId: id, title: titleOf(id) }));
  }
  const phase = spec?.phase;
  const optional = new Set(cp.criteria.flatMap((c) => c.checks.filter((k) => k.optional).map((k) => k.id)));
  const failed = new Set(
    results.filter((r) => (r.status === 'fail' || r.status === 'error') && !optional.has(r.checkId)).map((r) => r.criterionId),
  );
  return cp.criteria
    .filter((c) => c.required && failed.has(c.id) && (phase === undefined || c.phase === phase))
    .map((c) => ({ criterionId: c.id, title: c.title }));
}

function normaliseKind(kind: string | null): EvidenceKind {
  return kind === 'go' || kind === 'conditional' || kind === 'nogo' || kind === 'incomplete' ? kind : 'unknown';
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// ---------- dates an outcome implies ----------

/** The shortest and longest span of a plan range (a duration, or { min, max }). */
export function rangeMs(range: Range): { min: number; max: number } {
  if (typeof range === 'string') {
    const ms = parseDuration(range);
    return { min: ms, max: ms };
  }
  return { min: parseDuration(range.min), max: parseDuration(range.max) };
}

export interface RescheduledDate {
  reschedule: Reschedule;
  earliest: Date;
  latest: Date;
}

/** Each reschedule of an outcome applied to the run's time. */
export function rescheduledDates(reschedule: readonly Reschedule[], base: Date): RescheduledDate[] {
  return reschedule.map((r) => {
    const { min, max } = rangeMs(r.delay);
    return { reschedule: r, earliest: new Date(base.getTime() + min), latest: new Date(base.getTime() + max) };
  });
}

/** CONDITIONAL: the failed areas must be re-tested by the end of the outcome's window. */
export function retestDeadline(outcome: Outcome | undefined, base: Date): Date | undefined {
  if (!outcome?.retest_within) return undefined;
  return new Date(base.getTime() + rangeMs(outcome.retest_within).max);
}

/** When a run's decision was taken: the run's time for deadlines and reschedules. */
export function decidedAt(run: RunRecord): Date {
  return run.finishedAt ?? run.startedAt;
}

/** The checkpoint that follows: the outcome's `next`, else the next in plan order. */
export function nextCheckpointOf(plan: Plan, cp: Checkpoint, outcome: Outcome | undefined): Checkpoint | undefined {
  if (outcome?.next) return plan.checkpoints.find((c) => c.id === outcome.next);
  const index = plan.checkpoints.findIndex((c) => c.id === cp.id);
  return plan.checkpoints[index + 1];
}
