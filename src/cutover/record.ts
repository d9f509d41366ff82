import { createHash } from 'node:crypto';
import { AUDIT } from '../audit/actions.js';
import type { CheckOutcome } from '../checks/types.js';
import type { Decision } from '../decision/types.js';
import { decisionDetail } from '../engine/decide-run.js';
import { evidenceDigest } from '../engine/digest.js';
import { resultRow } from '../engine/result-row.js';
import { criterionOfChecks } from '../plan/schema.js';
import { stableStringify } from '../plan/check-types.js';
import type { CutoverState } from '../plan/constants.js';
import type { CheckResultRecord, RunRecord } from '../store/runs.js';
import { RunInProgressError } from '../store/runs.js';
import type { CutoverDeps } from './deps.js';
import { checksOfPhase, decidePhase, toCheckResults } from './phase-checks.js';
import { cutoverDecisionPhase, type CutoverPlan } from './plan.js';
import type { CutoverRecord } from '../store/cutovers.js';

/**
 * cp3's sign-offs bind to the cutover record. So the cutover ends by writing
 * a cp3 run like any other: the validation checks' results, the cutover
 * decision (COMPLETE / ROLLED BACK from the cutover's final state and the
 * validation criteria), and an evidence digest over the step log and the
 * validation results. The sign-off card and the gate read it unchanged.
 */
export async function recordCutoverRun(
  deps: CutoverDeps,
  cp: CutoverPlan,
  cutover: CutoverRecord,
  input: { finalState: CutoverState; validation?: Map<string, CheckOutcome & { environment: string }> | undefined; reason?: string | undefined },
): Promise<{ run: RunRecord; decision: Decision; digest: string }> {
  const phase = cutoverDecisionPhase(cp.checkpoint);
  const startedBy = cutover.confirmedBy ?? cutover.startedBy;
  const run = await createRun(deps, cp, cutover, startedBy);

  const criterionOf = criterionOfChecks(cp.checkpoint);
  for (const [checkId, o] of input.validation ?? new Map()) {
    await deps.store.runs.recordResult(resultRow(run.id, checkId, criterionOf.get(checkId), o, { environment: o.environment, cutover: cutover.id }));
  }
  const stored = await deps.store.runs.results(run.id);
  const decision = decidePhase(cp.plan, cp.checkpoint, phase, toCheckResults(new Map(stored.map((r) => [r.checkId, asOutcome(r)]))), input.finalState);
  const stepLog = await stepLogOf(deps, cutover);
  const validationDigest = evidenceDigest(stored, checksOfPhase(cp.checkpoint, phase));
  const stepLogDigest = sha256(stableStringify(stepLog));
  const digest = sha256(stableStringify({ cutover: cutover.id, kind: cutover.kind, final_state: input.finalState, step_log: stepLogDigest, validation: validationDigest }));

  const finished = await deps.store.runs.finish(run.id, {
    status: 'complete',
    decision: decision.label,
    decisionKind: decision.kind,
    decisionDetail: { ...decisionDetail(decision), cutover: input.finalState, cutover_id: cutover.id, step_log_digest: stepLogDigest, validation_digest: validationDigest, reason: input.reason ?? null },
    evidenceDigest: digest,
    now: deps.clock.now(),
  });
  await deps.store.cutovers.setValidationRun(cutover.id, run.id);
  await deps.store.audit.append({
    actor: 'golive',
    action: AUDIT.runDecided,
    planId: cp.plan.id,
    checkpointId: cp.checkpoint.id,
    runId: run.id,
    details: { decision: decision.label, kind: decision.kind, digest, cutover: cutover.id, final_state: input.finalState, summary: decision.summary },
  });
  return { run: finished, decision, digest };
}

async function createRun(deps: CutoverDeps, cp: CutoverPlan, cutover: CutoverRecord, startedBy: string): Promise<RunRecord> {
  // A run of cp3 still open (an on-demand pre-cutover evaluation) is waited for briefly.
  for (let attempt = 0; ; attempt++) {
    try {
      const { run } = await deps.store.runs.create({
        planId: cp.plan.id,
        checkpointId: cp.checkpoint.id,
        environment: cutover.environment,
        startedBy,
        requestKey: `cutover-${cutover.id}-record`,
        channelId: undefined,
        now: cutover.startedAt ?? deps.clock.now(),
      });
      return run;
    } catch (err) {
      if (!(err instanceof RunInProgressError) || attempt >= 20) throw err;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}

/** The step log the digest covers: every execution of the cutover, each step's outcome and duration. */
export async function stepLogOf(deps: CutoverDeps, cutover: CutoverRecord): Promise<unknown[]> {
  const fresh = (await deps.store.cutovers.get(cutover.id)) ?? cutover;
  const ids = [...fresh.executionIds, ...(fresh.rollbackExecutionId ? [fresh.rollbackExecutionId] : [])];
  const log: unknown[] = [];
  for (const id of ids) {
    const found = await deps.runner.getExecution(id);
    if (!found) continue;
    const e = found.execution;
    log.push({
      execution: e.id,
      file: e.file,
      sha256: e.fileSha256,
      purpose: e.purpose,
      status: e.status,
      error: e.error,
      resumed_from: e.resumedFrom,
      steps: found.steps.map((s) => ({ step: s.stepName, status: s.status, duration_ms: s.durationMs, budget_ms: s.budgetMs, error: s.error })),
    });
  }
  return log;
}

function asOutcome(r: CheckResultRecord): CheckOutcome {
  return { status: r.status, observed: (r.observed ?? {}) as CheckOutcome['observed'], evidence: {}, message: r.message ?? '', durationMs: r.durationMs ?? 0, expected: [] };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
