import { AUDIT } from '../audit/actions.js';
import { executeCheck } from '../checks/execute.js';
import { checkContextFor } from '../engine/check-context.js';
import { describeError } from '../errors.js';
import { formatDuration } from '../plan/duration.js';
import { checkLine } from '../slack/views/run-lines.js';
import type { CutoverFinalState } from '../store/cutovers.js';
import type { CutoverDeps } from './deps.js';
import { finishCutover } from './finish.js';
import { runItem, takeSnapshot } from './items.js';
import { runMigration, type ResumeFrom } from './migrate.js';
import { startMonitor } from './monitor.js';
import { decidePhase, executePhaseChecks, toCheckResults } from './phase-checks.js';
import { cutoverPlanOf } from './plan.js';
import { markInterruptedNow } from './recover.js';
import { runRollback } from './rollback.js';
import { tableKind } from './target.js';
import { createCutoverRun, setPhaseState, stopOf, type CutoverRun, type ValidationResult } from './run.js';

export interface CutoverJob {
  cutoverId: number;
  mode: 'start' | 'resume' | 'rollback';
  fromStep?: string | undefined;
  /** Unique per request: a second delivery of the same job is recognised by it. */
  requestKey: string;
}

/**
 * The cutover as one job on the `migrations` queue (one at a time per
 * worker). It never runs twice: the first delivery claims the request key;
 * a second delivery (its worker died) starts nothing and leaves the cutover
 * to the recovery, which ends the orphaned session and asks the DBA.
 */
export async function runCutoverJob(deps: CutoverDeps, job: CutoverJob): Promise<{ status: string }> {
  const log = deps.logger.child({ cutoverId: job.cutoverId, mode: job.mode });
  if (!(await deps.store.deliveries.claim(`cutover-job-${job.requestKey}`, 'cutover-job'))) {
    log.warn('cutover job delivered again (its worker died?): not re-run; the recovery takes over');
    return { status: 'redelivered' };
  }
  const cutover = await deps.store.cutovers.begin(job.cutoverId, deps.clock.now());
  if (!cutover) {
    log.warn('cutover is not queued: nothing to do');
    return { status: 'not-queued' };
  }
  const cp = cutoverPlanOf(deps.plans, cutover.planId);
  const run = await createCutoverRun(deps, cp, cutover);
  const monitor = startMonitor(run);
  try {
    await deps.store.audit.append({
      actor: cutover.confirmedBy ?? cutover.startedBy,
      action: job.mode === 'start' ? AUDIT.cutoverRunning : job.mode === 'resume' ? AUDIT.cutoverResumed : AUDIT.cutoverRollbackStarted,
      planId: cp.plan.id,
      checkpointId: cp.checkpoint.id,
      details: { cutover: cutover.id, kind: cutover.kind, environment: cutover.environment, from_step: job.fromStep ?? null },
    });
    if (job.mode === 'rollback' || cutover.kind === 'rollback') {
      await rollbackAndFinish(run, cutover.kind === 'rollback' ? `rollback requested by <@${cutover.confirmedBy ?? cutover.startedBy}>` : `rollback chosen by <@${cutover.confirmedBy ?? cutover.startedBy}> after the interruption`, 'rolled_back');
    } else {
      await runPhases(run, job);
    }
    return { status: (await deps.store.cutovers.get(cutover.id))?.status ?? 'unknown' };
  } catch (err) {
    // Something outside the steps broke (the state DB, a bug): never guess; a person decides.
    log.error({ err }, 'cutover stopped by an unexpected error');
    await markInterruptedNow(deps, run, `golive stopped on an unexpected error: ${describeError(err)}`).catch((e: unknown) => log.error({ err: e }, 'could not mark the cutover interrupted'));
    return { status: 'interrupted' };
  } finally {
    monitor.stop();
    await run.live.refresh();
  }
}

async function runPhases(run: CutoverRun, job: CutoverJob): Promise<void> {
  const { deps, cp, cutover } = run;
  const phases = cp.spec.phases;
  const migrationIndex = phases.findIndex((p) => p.runs_steps);
  let start = 0;
  let resume: ResumeFrom | undefined;
  if (job.mode === 'resume' && cutover.phase) {
    start = Math.max(0, phases.findIndex((p) => p.id === cutover.phase));
    const last = cutover.executionIds.at(-1);
    if (phases[start]?.runs_steps && last !== undefined) resume = { executionId: last, fromStep: job.fromStep };
    for (const p of phases.slice(0, start)) setPhaseState(run, p.id, 'done');
    if (cutover.phase === 'rollback') {
      await rollbackAndFinish(run, 'the interrupted rollback is run again, as chosen', 'rolled_back');
      return;
    }
  }
  run.live.view.status = `${cutover.kind === 'rehearsal' ? 'rehearsal' : 'cutover'} running`;

  for (let i = start; i < phases.length; i++) {
    const phase = phases[i]!;
    const migrated = migrationIndex >= 0 && i > migrationIndex;
    await deps.store.cutovers.setPhase(cutover.id, phase.id);
    cutover.phase = phase.id;
    setPhaseState(run, phase.id, 'running');
    void run.live.refresh();

    if (phase.runs_steps) {
      if (run.stop) return stopBeforeMigration(run);
      if (!resume) {
        if (cutover.kind === 'rehearsal' && (await tableKind(run.targetUrl, cp.plan.target.table)) === 'p') {
          // A rehearsal needs the unmigrated table: staging was migrated in cp2, so it is rolled back first (timed too).
          await takeSnapshot(run);
          const reset = await runRollback(run, `${cutover.environment} is migrated: rolled back first so the steps can be timed`);
          if (!reset.verified) return finishUntouched(run, 'failed', `the rollback that resets ${cutover.environment} for the rehearsal could not be verified: ${reset.lines.join('; ')}`);
          await deps.store.cutovers.setPhase(cutover.id, phase.id);
          cutover.phase = phase.id;
        }
        const files = await verifyFiles(run);
        if (!files.ok) return finishUntouched(run, 'aborted', `the migration files do not match the plan's SHA-256: ${files.reason}. Nothing was run.`, 'critical_error');
        await takeSnapshot(run);
        await deps.store.cutovers.migrationStarted(cutover.id, deps.clock.now());
        cutover.migrationStartedAt = (await deps.store.cutovers.get(cutover.id))?.migrationStartedAt ?? deps.clock.now();
        run.live.view.migrationStartedAt = cutover.migrationStartedAt;
      }
      const outcome = await runMigration(run, resume);
      resume = undefined;
      if (outcome.status === 'succeeded') {
        setPhaseState(run, phase.id, 'done', `${formatDuration(migrationMs(run))}`);
        continue;
      }
      setPhaseState(run, phase.id, 'failed', outcome.reason);
      if (outcome.status === 'stopped') {
        const person = stopOf(run)?.byPerson ?? true;
        await rollbackAndFinish(run, outcome.reason, person ? 'aborted' : 'rolled_back', person ? undefined : 'behind_schedule');
      } else {
        await rollbackAndFinish(run, `critical error: ${outcome.reason}`, 'rolled_back', 'critical_error');
      }
      return;
    }

    if (phase.criteria_phase) {
      if (run.stop) {
        await rollbackAndFinish(run, run.stop.reason, run.stop.byPerson ? 'aborted' : 'rolled_back');
        return;
      }
      const validation = await validate(run, phase.criteria_phase);
      setPhaseState(run, phase.id, validation.ok ? 'done' : 'failed', validation.summary);
      if (!validation.ok) {
        await rollbackAndFinish(run, `validation failed: ${validation.summary}`, 'rolled_back', 'validation_fail', validation);
        return;
      }
      run.validation = validation;
      const stop = stopOf(run);
      if (stop) {
        // An abort asked for while the validation ran is honoured: the migration is not kept.
        await rollbackAndFinish(run, stop.reason, stop.byPerson ? 'aborted' : 'rolled_back', undefined, validation);
        return;
      }
      continue;
    }

    for (const [index, item] of phase.items.entries()) {
      if (run.stop && !migrated) return stopBeforeMigration(run);
      const result = await runItem(run, phase, index, item);
      if (!result.ok) {
        if (!migrated) return finishUntouched(run, 'aborted', result.critical ? `${result.reason}. Nothing was run.` : `${result.reason}. Nothing was run.`, result.critical ? 'critical_error' : undefined);
        // After the migration and its validation nothing turns it back but a person: `/golive cp3 rollback`.
      }
    }
    setPhaseState(run, phase.id, 'done');
  }
  await finishCutover(run, {
    finalState: 'completed',
    reason: cutover.kind === 'rehearsal' ? `rehearsal on ${cutover.environment} completed` : `${cutover.environment} migrated and validated`,
    validation: run.validation?.outcomes,
    validationLines: run.validation?.lines,
    rule: 'validation_pass',
  });
}

async function validate(run: CutoverRun, phase: string): Promise<ValidationResult> {
  const { deps, cp, cutover } = run;
  run.live.view.status = `validation on ${cutover.environment}`;
  void run.live.refresh();
  const outcomes = await executePhaseChecks(deps, { plan: cp.plan, checkpoint: cp.checkpoint, phase, environment: cutover.environment });
  await deps.store.cutovers.setValidation(cutover.id, Object.fromEntries([...outcomes].map(([id, o]) => [id, { status: o.status, message: o.message, observed: o.observed }])));
  const decision = decidePhase(cp.plan, cp.checkpoint, phase, toCheckResults(outcomes), 'completed');
  const ok = decision.failedCriteria.length === 0 && decision.incompleteCriteria.length === 0 && decision.firedTriggers.length === 0;
  const titleOf = new Map(cp.checkpoint.criteria.flatMap((c) => c.checks.map((k) => [k.id, k.title] as const)));
  const lines = [...outcomes].map(([id, o]) =>
    checkLine(titleOf.get(id) ?? id, { checkId: id, criterionId: '', status: o.status, observed: o.observed, expected: o.expected, message: o.message, evidence: o.evidence, durationMs: o.durationMs }, cp.plan.time_zone),
  );
  const passed = [...outcomes.values()].filter((o) => o.status === 'pass').length;
  const problems = [...decision.failedCriteria, ...decision.incompleteCriteria].map((c) => c.title);
  const summary = ok ? `${passed}/${outcomes.size} checks pass` : `${problems.join(', ')}${decision.firedTriggers.length ? `; triggers: ${decision.firedTriggers.map((t) => t.title).join(', ')}` : ''}`;
  return { ok, summary, lines, outcomes };
}

async function verifyFiles(run: CutoverRun): Promise<{ ok: true } | { ok: false; reason: string }> {
  const { deps, cp, cutover } = run;
  const ctx = checkContextFor(deps, cp.plan, cp.checkpoint.id, cutover.environment);
  const { raw } = await executeCheck({ id: 'cutover_files', type: 'file_checksum', params: { files: cp.plan.migration.files.map((f) => f.id) } }, ctx);
  await deps.store.cutovers.setDetail(cutover.id, 'file_checksums', { status: raw.status, message: raw.message, evidence: raw.evidence });
  run.live.view.status = raw.status === 'pass' ? `SHA-256 verified: ${raw.message}` : `SHA-256 mismatch: ${raw.message}`;
  return raw.status === 'pass' ? { ok: true } : { ok: false, reason: raw.message };
}

function migrationMs(run: CutoverRun): number {
  return run.live.view.steps.filter((s) => s.file !== run.cp.rollbackFile.id).reduce((sum, s) => sum + (s.elapsedMs ?? 0), 0);
}

/** Stopped before any step ran: nothing to roll back. */
async function stopBeforeMigration(run: CutoverRun): Promise<void> {
  await finishUntouched(run, 'aborted', `${run.stop?.reason ?? 'aborted'} before the migration started. Nothing was run.`);
}

async function finishUntouched(run: CutoverRun, finalState: CutoverFinalState, reason: string, rule?: 'critical_error'): Promise<void> {
  await finishCutover(run, { finalState, reason, rule });
}

/**
 * Roll back, then close the cutover. If the rollback cannot be verified the
 * cutover ends `failed`: production's state needs a person (restore from the
 * backup, as the plan says).
 */
export async function rollbackAndFinish(
  run: CutoverRun,
  reason: string,
  intended: CutoverFinalState,
  rule?: 'critical_error' | 'validation_fail' | 'behind_schedule',
  validation?: ValidationResult,
): Promise<void> {
  const report = await runRollback(run, reason);
  const restore = run.cp.spec.rollback.restore_from_backup;
  const restoreText = restore ? ` Restore from the backup (${typeof restore === 'string' ? restore : `${restore.min}–${restore.max}`}).` : '';
  const finalState: CutoverFinalState = report.verified ? intended : 'failed';
  const text = report.verified
    ? `${reason}; rolled back in ${formatDuration(report.elapsedMs)}, verified`
    : `${reason}; the rollback ${report.ok ? 'finished but could not be verified' : `failed (${report.error ?? report.status})`}.${restoreText}`;
  await finishCutover(run, { finalState, reason: text, rollback: report, validation: validation?.outcomes, validationLines: validation?.lines, rule: rule === 'behind_schedule' ? 'behind_schedule' : rule });
}
