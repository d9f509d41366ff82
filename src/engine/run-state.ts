import { decideCheckpoint } from '../decision/decide.js';
import type { CheckResult, Decision } from '../decision/types.js';
import { GoliveError } from '../errors.js';
import type { PlanRegistry } from '../plan-registry.js';
import { allChecks, criterionOfChecks, CUTOVER_STATES, findCheckpoint, type Check, type Checkpoint, type CutoverState, type Plan } from '../plan/schema.js';
import type { AttestationRecord } from '../store/attestations.js';
import type { Store } from '../store/index.js';
import type { CheckResultRecord, RunRecord } from '../store/runs.js';

/**
 * A run as people see it: the stored results, with manual checks turned into
 * pass (or fail) by their attestation, and the checkpoint's decision taken
 * from them. Views and the decision read this, never the raw rows.
 */

export interface EffectiveResult extends Omit<CheckResultRecord, 'runId' | 'recordedAt'> {
  attestation?: AttestationRecord;
}

export interface RunState {
  plan: Plan;
  checkpoint: Checkpoint;
  run: RunRecord;
  checks: Check[];
  results: Map<string, EffectiveResult>;
  /** Results as stored (the digest is computed from these). */
  stored: CheckResultRecord[];
  attestations: AttestationRecord[];
  decision: Decision;
}

export async function loadRunState(deps: { store: Store; plans: PlanRegistry }, runId: number): Promise<RunState | undefined> {
  const run = await deps.store.runs.get(runId);
  if (!run) return undefined;
  const plan = deps.plans.get(run.planId);
  if (!plan) throw new GoliveError('PLAN_NOT_LOADED', `run ${runId} belongs to plan ${run.planId}, which this golive no longer loads`);
  const checkpoint = findCheckpoint(plan, run.checkpointId);
  if (!checkpoint) throw new GoliveError('CHECKPOINT_UNKNOWN', `plan ${plan.id} has no checkpoint ${run.checkpointId} any more (run ${runId})`);
  const [stored, attestations] = await Promise.all([deps.store.runs.results(runId), deps.store.attestations.forRun(runId)]);
  return buildRunState(plan, checkpoint, run, stored, attestations);
}

/** Pure: the effective results and decision of a run from its rows. */
export function buildRunState(plan: Plan, checkpoint: Checkpoint, run: RunRecord, stored: CheckResultRecord[], attestations: AttestationRecord[]): RunState {
  const checks = allChecks(checkpoint);
  const criterionOf = criterionOfChecks(checkpoint);
  const results = new Map<string, EffectiveResult>();
  for (const r of stored) {
    results.set(r.checkId, { checkId: r.checkId, criterionId: r.criterionId, status: r.status, observed: r.observed, expected: r.expected, message: r.message, evidence: r.evidence, durationMs: r.durationMs });
  }
  for (const a of attestations) {
    const base = results.get(a.checkId);
    results.set(a.checkId, {
      checkId: a.checkId,
      criterionId: base?.criterionId ?? criterionOf.get(a.checkId) ?? '',
      status: a.outcome,
      observed: { attested: a.outcome === 'pass' },
      expected: base?.expected ?? null,
      message: `attested by <@${a.userId}> (${plan.roles[a.role]?.title ?? a.role})${a.note ? `: ${a.note}` : ''}`,
      evidence: { ...(isRecord(base?.evidence) ? base.evidence : {}), attested_by: a.userId, role: a.role, attested_at: a.attestedAt },
      durationMs: base?.durationMs ?? null,
      attestation: a,
    });
  }
  const decision = decideCheckpoint({ plan, checkpointId: checkpoint.id, results: toDecisionResults(results), ...storedDecisionContext(checkpoint, run) });
  return { plan, checkpoint, run, checks, results, stored, attestations, decision };
}

export function toDecisionResults(results: Map<string, EffectiveResult>): CheckResult[] {
  return [...results.values()].map((r) => ({
    checkId: r.checkId,
    status: r.status,
    observed: (r.observed ?? undefined) as CheckResult['observed'],
    reason: r.message ?? undefined,
  }));
}

/**
 * A finished run is decided again by the decision it was decided by: its
 * stored phase (cp3: pre_cutover or the cutover's validation) and, for a
 * cutover record, the cutover's final state (src/cutover/record.ts).
 */
function storedDecisionContext(checkpoint: Checkpoint, run: RunRecord): { phase?: string; cutover?: CutoverState } {
  const detail = run.status === 'running' ? undefined : run.decisionDetail;
  if (!isRecord(detail)) return {};
  const phase = typeof detail.phase === 'string' && checkpoint.decisions.some((d) => d.phase === detail.phase) ? detail.phase : undefined;
  const cutover = typeof detail.cutover === 'string' && (CUTOVER_STATES as readonly string[]).includes(detail.cutover) ? (detail.cutover as CutoverState) : undefined;
  return { ...(phase ? { phase } : {}), ...(cutover ? { cutover } : {}) };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
