import { describeError } from '../errors.js';
import type { ExecutionResult, StepEvent } from '../step-runner/index.js';
import { recordedPath } from '../step-runner/file.js';
import { stopOf, type CutoverRun } from './run.js';

export type MigrationOutcome =
  | { status: 'succeeded' }
  /** Stopped by an abort or the hard stop. */
  | { status: 'stopped'; reason: string }
  /** A step failed (the critical error), or the runner refused. */
  | { status: 'failed'; reason: string };

export interface ResumeFrom {
  /** The execution a crash interrupted; resumed with the runner's own checks. */
  executionId: number;
  /** Re-run this step (a person chose to). */
  fromStep?: string | undefined;
}

/**
 * The migration phase: the plan's apply files through the one step runner,
 * one after the other, on the `migrations` queue's single slot. Budgets are
 * passed along (shown, never enforced: the thresholds are the enforcement).
 * The runner's events feed the live message; its execution ids are recorded
 * on the cutover so a restarted worker can find them.
 */
export async function runMigration(run: CutoverRun, resume?: ResumeFrom): Promise<MigrationOutcome> {
  const { deps, cp, cutover } = run;
  const purpose = cutover.kind === 'rehearsal' ? 'rehearsal' : 'cutover';
  run.migrating = true;
  try {
    for (let index = cutover.fileIndex; index < cp.applyFiles.length; index++) {
      if (run.stop) return { status: 'stopped', reason: run.stop.reason };
      const file = cp.applyFiles[index]!;
      const onStep = (event: StepEvent) => onStepEvent(run, file.id, index, event);
      let result: ExecutionResult;
      try {
        const previous = resume && index === cutover.fileIndex ? await resumable(run, resume.executionId, file.path) : undefined;
        result = previous
          ? await deps.runner.resume({ executionId: previous, targetUrl: run.targetUrl, fromStep: resume?.fromStep || undefined, startedBy: cutover.confirmedBy ?? cutover.startedBy, budgets: cp.budgets, signal: run.abort.signal, onStep })
          : await deps.runner.run({
              file: file.path,
              environment: cutover.environment,
              targetUrl: run.targetUrl,
              purpose,
              planId: cp.plan.id,
              startedBy: cutover.confirmedBy ?? cutover.startedBy,
              budgets: cp.budgets,
              signal: run.abort.signal,
              onStep,
            });
      } catch (err) {
        return stopOf(run) ? { status: 'stopped', reason: stopOf(run)!.reason } : { status: 'failed', reason: `${file.id}: ${describeError(err)}` };
      } finally {
        run.executionId = undefined;
      }
      await deps.store.cutovers.addExecution(cutover.id, result.executionId, index);
      if (result.status === 'succeeded') {
        cutover.fileIndex = index + 1;
        await deps.store.cutovers.setFileIndex(cutover.id, index + 1);
        continue;
      }
      if (result.status === 'aborted' || stopOf(run)) return { status: 'stopped', reason: stopOf(run)?.reason ?? result.error ?? 'stopped' };
      return { status: 'failed', reason: result.error ?? `${file.id}: ${result.status}` };
    }
    return { status: 'succeeded' };
  } finally {
    run.migrating = false;
    await deps.store.cutovers.migrationFinished(cutover.id, deps.clock.now()).catch(() => {});
  }
}

/** The interrupted execution to resume, if it ran this file and did not succeed; otherwise the file runs afresh. */
async function resumable(run: CutoverRun, executionId: number, file: string): Promise<number | undefined> {
  const found = await run.deps.runner.getExecution(executionId);
  if (!found) return undefined;
  if (found.execution.file !== recordedPath(file)) return undefined;
  return found.execution.status === 'succeeded' ? undefined : executionId;
}

function onStepEvent(run: CutoverRun, fileId: string, index: number, event: StepEvent): void {
  const { deps, cutover } = run;
  const view = run.live.view;
  if (event.type === 'execution-started') {
    run.executionId = event.executionId;
    // Recorded at once: a worker that dies now leaves the execution findable from the cutover.
    void deps.store.cutovers.addExecution(cutover.id, event.executionId, index).catch((err: unknown) => run.log.warn({ err }, 'could not record the execution id'));
    return;
  }
  if (event.type === 'execution-finished') return;
  const step = view.steps.find((s) => s.file === fileId && s.name === event.step);
  if (!step) return;
  if (event.type === 'step-skipped') {
    step.state = 'skipped';
    step.elapsedMs = 0;
  } else if (event.type === 'step-started') {
    Object.assign(step, { state: 'running', startedAt: event.at, elapsedMs: undefined, error: undefined });
    view.status = `step ${event.ordinal}/${event.total} of ${fileId}: ${event.step}`;
    void deps.store.cutovers.setStep(cutover.id, event.step).catch(() => {});
  } else {
    Object.assign(step, { state: event.status === 'succeeded' ? 'done' : 'failed', elapsedMs: event.elapsedMs, error: event.error });
  }
  void run.live.refresh();
}
