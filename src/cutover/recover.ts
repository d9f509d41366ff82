import { AUDIT } from '../audit/actions.js';
import { interruptedCardView, type InterruptedCardInput } from '../slack/views/cutover-cards.js';
import { isStepRunnerError, type Inspection, type SessionInfo } from '../step-runner/index.js';
import type { CutoverRecord } from '../store/cutovers.js';
import { channelOf, interruptedKey, type CutoverDeps } from './deps.js';
import { cutoverPlanOf, type CutoverPlan } from './plan.js';
import { titleOf, type CutoverRun } from './run.js';

/**
 * Crash safety. A worker that dies mid-cutover leaves the cutover `running`
 * with a stale heartbeat, maybe a step runner execution `running` too, and
 * its session on the target holding locks. A worker that starts (or the
 * recovery job it schedules) then, for each such cutover:
 *   1. ends the orphaned session by its application_name (its locks go with it)
 *      and marks the execution interrupted (the runner's recover);
 *   2. asks the verify queries what state the database is in (inspect);
 *   3. marks the cutover interrupted (one worker wins) and posts
 *      "interrupted at step X" with buttons for the DBA: resume from the right
 *      step (or re-run the half-done one, deliberately), or roll back.
 * Nothing is run on the target. A cutover whose heartbeat is not stale yet
 * (its worker died a moment ago) is looked at again when it will be.
 */
export async function recoverInterrupted(deps: CutoverDeps): Promise<{ recovered: number[]; checkAgainInMs?: number | undefined }> {
  const recovered: number[] = [];
  let checkAgainInMs: number | undefined;
  const later = (ms: number) => {
    checkAgainInMs = Math.min(checkAgainInMs ?? Infinity, Math.max(1_000, ms));
  };
  for (const { ageMs } of await deps.store.cutovers.heartbeatAges()) {
    if (ageMs < deps.timing.staleAfterMs) later(deps.timing.staleAfterMs - ageMs + 500);
  }
  for (const cutover of await deps.store.cutovers.listStale(deps.timing.staleAfterMs)) {
    const log = deps.logger.child({ cutoverId: cutover.id });
    try {
      const outcome = await recoverOne(deps, cutover);
      if (outcome === 'later') later(deps.timing.heartbeatMs);
      else if (outcome === 'recovered') recovered.push(cutover.id);
    } catch (err) {
      log.error({ err }, 'could not recover an interrupted cutover');
      later(deps.timing.staleAfterMs);
    }
  }
  return { recovered, checkAgainInMs };
}

async function recoverOne(deps: CutoverDeps, cutover: CutoverRecord): Promise<'recovered' | 'later' | 'skipped'> {
  const cp = cutoverPlanOf(deps.plans, cutover.planId);
  const targetUrl = deps.plans.envUrl(cp.plan.id, cutover.environment);
  const running = await runningExecutions(deps, cutover);
  let ended: SessionInfo[] = [];
  let inspection: Inspection | undefined;
  for (const executionId of running) {
    try {
      const result = await deps.runner.recover({ executionId, targetUrl });
      ended = [...ended, ...result.endedSessions];
      inspection = result.inspection;
    } catch (err) {
      // Its runner still stamps its heartbeat: not dead yet, look again soon.
      if (isStepRunnerError(err, 'EXECUTION_ALIVE')) return 'later';
      throw err;
    }
  }
  const reason = `the worker running it stopped (no heartbeat for ${Math.round(deps.timing.staleAfterMs / 1000)} s)`;
  const marked = await deps.store.cutovers.markInterrupted(cutover.id, deps.timing.staleAfterMs, reason);
  if (!marked) return 'skipped';
  if (!inspection) inspection = await inspectLast(deps, marked, targetUrl);
  await postInterrupted(deps, cp, marked, { inspection, ended, reason });
  return 'recovered';
}

/** Executions of this cutover the runner still records as running (also one whose id the dead worker never wrote down). */
async function runningExecutions(deps: CutoverDeps, cutover: CutoverRecord): Promise<number[]> {
  const ids = new Set([...cutover.executionIds, ...(cutover.rollbackExecutionId ? [cutover.rollbackExecutionId] : [])]);
  const { rows } = await deps.store.pool.query(
    `SELECT id FROM migration_executions
      WHERE plan_id = $1 AND environment = $2 AND status = 'running' AND purpose IN ('cutover', 'rehearsal', 'rollback') AND started_at >= $3`,
    [cutover.planId, cutover.environment, cutover.startedAt ?? cutover.createdAt],
  );
  for (const r of rows) ids.add(Number(r.id));
  const out: number[] = [];
  for (const id of ids) {
    const found = await deps.runner.getExecution(id);
    if (found?.execution.status === 'running') out.push(id);
  }
  return out.sort((a, b) => a - b);
}

async function inspectLast(deps: CutoverDeps, cutover: CutoverRecord, targetUrl: string): Promise<Inspection | undefined> {
  const last = cutover.phase === 'rollback' ? cutover.rollbackExecutionId ?? undefined : cutover.executionIds.at(-1);
  if (last === undefined) return undefined;
  return deps.runner.inspect({ executionId: last, targetUrl }).catch((err: unknown) => {
    deps.logger.warn({ err, cutoverId: cutover.id }, 'could not inspect the interrupted execution');
    return undefined;
  });
}

/** The same, from inside the worker that hit an unexpected error: no orphan to end, the session closed with the runner. */
export async function markInterruptedNow(deps: CutoverDeps, run: CutoverRun, reason: string): Promise<void> {
  const marked = await deps.store.cutovers.interruptNow(run.cutover.id, reason);
  if (!marked) return;
  const inspection = await inspectLast(deps, marked, run.targetUrl);
  run.live.view.status = `interrupted: ${reason}`;
  await postInterrupted(deps, run.cp, marked, { inspection, ended: [], reason });
}

export async function postInterrupted(deps: CutoverDeps, cp: CutoverPlan, cutover: CutoverRecord, info: { inspection?: Inspection | undefined; ended: SessionInfo[]; reason: string }): Promise<void> {
  const channel = channelOf(deps, cutover.channelId);
  const card = interruptedCard(cp, cutover, info);
  const key = interruptedKey(cutover.id, info.inspection?.execution.id ?? cutover.phase ?? 'x');
  // Kept so the buttons' handler can redraw the card with the DBA's choice.
  await deps.store.cutovers.setDetail(cutover.id, 'interrupted_card', card);
  await deps.store.cutovers.setDetail(cutover.id, 'interrupted_key', key);
  if (channel) {
    await deps.slack.upsert(key, 'cutover-interrupted', channel, interruptedCardView(card)).catch((err: unknown) => deps.logger.warn({ err }, 'could not post the interruption'));
  }
  await deps.store.audit.append({
    actor: 'golive',
    action: AUDIT.cutoverInterrupted,
    planId: cp.plan.id,
    checkpointId: cp.checkpoint.id,
    details: {
      cutover: cutover.id,
      phase: cutover.phase,
      step: cutover.currentStep,
      reason: info.reason,
      ended_sessions: info.ended.map((s) => ({ pid: s.pid, application_name: s.applicationName })),
      resume_at: info.inspection?.resumeAt ?? null,
      needs_decision: info.inspection?.needsDecision ?? null,
    },
  });
}

export function interruptedCard(cp: CutoverPlan, cutover: CutoverRecord, info: { inspection?: Inspection | undefined; ended: SessionInfo[]; reason: string }): InterruptedCardInput {
  const { inspection } = info;
  const phase = cp.spec.phases.find((p) => p.id === cutover.phase);
  const interruptedStep = inspection?.steps.find((s) => s.recordedStatus === 'interrupted' || s.recordedStatus === 'running')?.name ?? cutover.currentStep ?? undefined;
  const where =
    cutover.phase === 'rollback'
      ? `the rollback${interruptedStep ? ` (step ${interruptedStep})` : ''}`
      : phase?.runs_steps && interruptedStep
        ? `step ${interruptedStep}`
        : `phase ${phase?.title ?? cutover.phase ?? 'start'}`;
  const lines = (inspection?.steps ?? []).map((s) => {
    const verify = s.verified === true ? 'verify: true (in place)' : s.verified === false ? 'verify: false (not in place)' : `verify failed: ${s.verifyError ?? '?'}`;
    return `\`${s.name}\` recorded ${s.recordedStatus ?? 'not started'}, ${verify}`;
  });
  let resume: InterruptedCardInput['resume'];
  let note: string | undefined = info.reason;
  if (cutover.phase === 'rollback') {
    note = `${info.reason}. Run the rollback again: it works from any point.`;
  } else if (phase?.runs_steps) {
    if (inspection?.fileChanged) note = `${info.reason}. The migration file changed since it ran: only a rollback is offered.`;
    else if (inspection?.needsDecision && inspection.resumeAt) resume = { label: `Re-run ${inspection.resumeAt} and go on`, fromStep: inspection.resumeAt };
    else if (inspection?.resumeAt) resume = { label: `Resume at ${inspection.resumeAt}` };
    else resume = { label: 'Resume (every step is in place)' };
    if (inspection?.needsDecision) note = `${info.reason}. \`${inspection.resumeAt}\` was left half-done: re-running it is a decision for the DBA (or roll back).`;
  } else {
    resume = { label: `Resume at ${phase?.title ?? 'the interrupted phase'}` };
  }
  return {
    title: titleOf(cp, cutover),
    cutoverId: cutover.id,
    where,
    inspection: lines,
    endedSessions: info.ended.map((s) => `${s.applicationName} (pid ${s.pid})`),
    resume,
    note,
    roleTitle: cp.plan.roles.dba?.title ?? 'DBA',
    state: 'waiting',
  };
}

/** Ask for a recovery pass soon; the job id collapses passes asked for the same moment. */
export async function scheduleRecovery(deps: Pick<CutoverDeps, 'queues' | 'logger'>, delayMs: number): Promise<void> {
  const due = Math.ceil((Date.now() + delayMs) / 1_000);
  await deps.queues
    .enqueue('cutover-recover', { reason: 'scan' }, { jobId: `cutover-recover-${due}`, delay: Math.max(0, delayMs), attempts: 3, removeOnComplete: true, removeOnFail: { count: 50 } })
    .catch((err: unknown) => deps.logger.warn({ err }, 'could not schedule the cutover recovery'));
}

/** The recovery job: one pass, and the next one if a cutover may still turn out orphaned. */
export async function runRecoveryJob(deps: CutoverDeps): Promise<{ recovered: number[] }> {
  const result = await recoverInterrupted(deps);
  if (result.checkAgainInMs !== undefined) await scheduleRecovery(deps, result.checkAgainInMs);
  if (result.recovered.length) deps.logger.warn({ cutovers: result.recovered }, 'interrupted cutovers found and reported');
  return { recovered: result.recovered };
}

