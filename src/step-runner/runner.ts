import os from 'node:os';
import type { Clock } from '../clock.js';
import type { Pool } from '../db/pool.js';
import { databaseName } from '../db/pool.js';
import { describeError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { MigrationFile, MigrationStep } from '../migration-file/parse.js';
import { RunnerLockedError, StepRunnerError } from './errors.js';
import { classifyFailure, describeFailure } from './failure.js';
import { defaultLockName, readMigrationFile, recordedPath, resolveRecordedPath } from './file.js';
import { applicationNameFor, createExecutionRecords } from './records.js';
import { findResumePoint } from './resume-point.js';
import { openTargetSession, type TargetSession, type VerifyLimits } from './target.js';
import { createSessionTools } from './sessions.js';
import { PURPOSES } from './types.js';
import type {
  ExecutionRecord,
  ExecutionResult,
  ExecutionStatus,
  Inspection,
  Purpose,
  ResumeOptions,
  SessionInfo,
  RunOptions,
  StepEvent,
  StepOutcome,
  StepRecord,
} from './types.js';

export interface StepRunnerDeps {
  statePool: Pool;
  logger: Logger;
  clock: Clock;
  /** How often a live runner stamps its execution (default 5 s). */
  heartbeatMs?: number;
  /** No heartbeat for this long and a running execution counts as orphaned (default 6 heartbeats). */
  staleAfterMs?: number;
  /** Limits for verify queries (default: lock 5 s, statement 5 min). */
  verifyLimits?: VerifyLimits;
}

export type StepRunner = ReturnType<typeof createStepRunner>;

/** What one execution needs once the file is read and the start mode is known. */
interface ExecutionPlan {
  file: MigrationFile;
  filePath: string;
  environment: string;
  targetUrl: string;
  purpose: Purpose;
  planId?: string;
  startedBy?: string;
  lockName: string;
  budgets: Record<string, number>;
  signal?: AbortSignal;
  onStep?: (event: StepEvent) => void;
  start: { kind: 'fresh'; fromStep?: string } | { kind: 'resume'; previous: ExecutionRecord; previousSteps: StepRecord[]; fromStep?: string };
}

/** Why a step stopped the run, and what that makes of the execution. */
type StepEnd = { status: 'succeeded' } | { status: 'failed' | 'interrupted'; execution: Exclude<ExecutionStatus, 'running' | 'succeeded' | 'refused'>; error: string };

const DEFAULT_VERIFY_LIMITS: VerifyLimits = { lockTimeoutMs: 5_000, statementTimeoutMs: 300_000 };

/**
 * The one runner the rollback drill, the rehearsal and the cutover use: it
 * executes a marked migration file on a target database step by step, and
 * keeps golive's state DB exactly one step ahead of the target.
 */
export function createStepRunner(deps: StepRunnerDeps) {
  const { statePool, clock } = deps;
  const logger = deps.logger.child({ component: 'step-runner' });
  const records = createExecutionRecords(statePool);
  const heartbeatMs = deps.heartbeatMs ?? 5_000;
  const verifyLimits = deps.verifyLimits ?? DEFAULT_VERIFY_LIMITS;
  const staleAfterMs = deps.staleAfterMs ?? heartbeatMs * 6;
  const sessions = createSessionTools({ records, clock, logger, heartbeatMs, staleAfterMs, verifyLimits });

  async function run(options: RunOptions): Promise<ExecutionResult> {
    if (!PURPOSES.includes(options.purpose)) {
      throw new StepRunnerError('INVALID_PURPOSE', `purpose "${String(options.purpose)}" is not one of ${PURPOSES.join(', ')}`);
    }
    const file = await readMigrationFile(options.file);
    if (options.fromStep !== undefined) stepIndex(file, options.fromStep);
    return execute({
      file,
      filePath: options.file,
      environment: options.environment,
      targetUrl: options.targetUrl,
      purpose: options.purpose,
      planId: options.planId,
      startedBy: options.startedBy,
      lockName: options.lockName ?? defaultLockName(options.file),
      budgets: options.budgets ?? {},
      signal: options.signal,
      onStep: options.onStep,
      start: { kind: 'fresh', fromStep: options.fromStep },
    });
  }

  async function resume(options: ResumeOptions): Promise<ExecutionResult> {
    const previous = await records.get(options.executionId);
    if (!previous) throw new StepRunnerError('EXECUTION_NOT_FOUND', `there is no migration execution ${options.executionId}`);
    if (previous.status === 'running') {
      throw new StepRunnerError(
        'EXECUTION_STILL_RUNNING',
        `execution ${previous.id} is still marked running: if its worker died, end its orphaned session (endOrphanedSessions) and mark it interrupted (markInterrupted) first`,
        { executionId: previous.id },
      );
    }
    if (previous.status === 'succeeded') {
      throw new StepRunnerError('EXECUTION_SUCCEEDED', `execution ${previous.id} already succeeded: there is nothing to resume`, { executionId: previous.id });
    }
    const filePath = resolveRecordedPath(previous.file);
    const file = await readMigrationFile(filePath);
    if (file.sha256 !== previous.fileSha256) {
      throw new StepRunnerError(
        'MIGRATION_FILE_CHANGED',
        `${previous.file} changed since execution ${previous.id} ran it (SHA-256 ${previous.fileSha256.slice(0, 12)}… then, ${file.sha256.slice(0, 12)}… now): ` +
          'restore the file that ran, or start a new run deliberately',
        { executionId: previous.id },
      );
    }
    if (options.fromStep !== undefined) stepIndex(file, options.fromStep);
    return execute({
      file,
      filePath,
      environment: previous.environment,
      targetUrl: options.targetUrl,
      purpose: previous.purpose,
      planId: previous.planId ?? undefined,
      startedBy: options.startedBy ?? previous.startedBy ?? undefined,
      lockName: previous.lockName ?? defaultLockName(filePath),
      budgets: options.budgets ?? {},
      signal: options.signal,
      onStep: options.onStep,
      start: { kind: 'resume', previous, previousSteps: await records.steps(previous.id), fromStep: options.fromStep },
    });
  }

  async function execute(plan: ExecutionPlan): Promise<ExecutionResult> {
    const { file } = plan;
    const startedAt = clock.now();
    const execution = await records.create({
      planId: plan.planId,
      environment: plan.environment,
      file: recordedPath(plan.filePath),
      fileSha256: file.sha256,
      purpose: plan.purpose,
      lockName: plan.lockName,
      targetDatabase: databaseName(plan.targetUrl),
      resumedFrom: plan.start.kind === 'resume' ? plan.start.previous.id : undefined,
      fromStep: plan.start.fromStep,
      runnerHost: os.hostname(),
      runnerPid: process.pid,
      startedBy: plan.startedBy,
      now: startedAt,
    });
    const executionId = execution.id;
    const log = logger.child({ executionId, file: execution.file, environment: plan.environment, purpose: plan.purpose });
    const outcomes: StepOutcome[] = [];
    const emit = (event: StepEvent) => emitSafely(plan.onStep, event, log);
    const elapsedSince = (from: Date) => Math.max(0, clock.now().getTime() - from.getTime());

    const stopHeartbeat = sessions.startHeartbeat(executionId, log);
    let session: TargetSession | undefined;
    let status: Exclude<ExecutionStatus, 'running'> = 'failed';
    let error: string | undefined;
    // A refusal or an unexpected failure is thrown after the execution is closed.
    let toThrow: unknown;

    // Early returns in here are refusals: `toThrow` says why, the finally below closes the execution.
    const body = async (): Promise<void> => {
      try {
        session = await openTargetSession(plan.targetUrl, execution.applicationName);
      } catch (err) {
        toThrow = new StepRunnerError(
          'TARGET_UNREACHABLE',
          `could not connect to ${plan.environment} (${describeError(err)}): nothing was run; check the environment's URL and that the database is up`,
          { executionId, cause: err },
        );
        error = describeError(toThrow);
        return;
      }
      await records.setBackendPid(executionId, session.pid);

      if (!(await session.tryLock(plan.lockName))) {
        const holder = await session.lockHolder(plan.lockName).catch(() => undefined);
        toThrow = new RunnerLockedError(plan.lockName, holder, executionId);
        status = 'refused';
        error = describeError(toThrow);
        return;
      }

      emit({ type: 'execution-started', executionId, applicationName: execution.applicationName, steps: file.steps.map((s) => s.name), at: clock.now() });
      log.info({ steps: file.steps.length, lockName: plan.lockName }, 'migration execution started');

      const startIndex = await chooseStart(plan, session!, executionId);
      if (typeof startIndex !== 'number') {
        toThrow = startIndex;
        status = 'refused';
        error = describeError(startIndex);
        return;
      }
      for (let i = 0; i < startIndex; i++) {
        const step = file.steps[i]!;
        const budgetMs = plan.budgets[step.name];
        await withRetry(() => records.stepSkipped({ executionId, ordinal: i + 1, name: step.name, budgetMs, now: clock.now() }));
        outcomes.push({ name: step.name, ordinal: i + 1, status: 'skipped', durationMs: 0, budgetMs });
        emit({ type: 'step-skipped', executionId, step: step.name, ordinal: i + 1, total: file.steps.length, reason: 'verified', at: clock.now() });
      }

      status = 'succeeded';
      for (let i = startIndex; i < file.steps.length; i++) {
        const step = file.steps[i]!;
        if (plan.signal?.aborted) {
          status = 'aborted';
          error = `stopped before step ${step.name}: ${abortReason(plan.signal)}`;
          break;
        }
        if (await records.cancelRequested(executionId)) {
          status = 'aborted';
          error = `stopped before step ${step.name}: cancelled by request`;
          break;
        }
        const ordinal = i + 1;
        const budgetMs = plan.budgets[step.name];
        const stepStart = clock.now();
        // Durable before the target is touched: a crash from here on leaves a visible `running` step.
        await records.stepStarted({ executionId, ordinal, name: step.name, budgetMs, now: stepStart });
        emit({ type: 'step-started', executionId, step: step.name, ordinal, total: file.steps.length, budgetMs, at: stepStart });
        log.info({ step: step.name, ordinal }, 'step started');

        const end = await runStep(session!, step, executionId);
        const elapsedMs = elapsedSince(stepStart);
        const stepError = end.status === 'succeeded' ? undefined : end.error;
        await withRetry(() => records.stepFinished({ executionId, name: step.name, status: end.status, now: clock.now(), durationMs: elapsedMs, error: stepError }));
        outcomes.push({ name: step.name, ordinal, status: end.status, durationMs: elapsedMs, budgetMs, error: stepError });
        emit({
          type: 'step-finished',
          executionId,
          step: step.name,
          ordinal,
          total: file.steps.length,
          status: end.status,
          elapsedMs,
          budgetMs,
          overBudget: budgetMs !== undefined && elapsedMs > budgetMs,
          error: stepError,
          at: clock.now(),
        });
        log.info({ step: step.name, ordinal, status: end.status, elapsedMs }, 'step finished');
        if (end.status !== 'succeeded') {
          status = end.execution;
          error = `step ${step.name}: ${end.error}`;
          break;
        }
      }
    };

    try {
      await body();
    } catch (err) {
      // The state DB or the target failed outside a step: the execution is closed as failed if we still can.
      status = 'failed';
      error = describeError(err);
      toThrow = err;
    } finally {
      stopHeartbeat();
      // Close first: once the execution reads finished, its advisory lock is already released.
      await session?.close();
      await withRetry(() => records.finish(executionId, status, clock.now(), error)).catch((err) => {
        log.error({ err }, 'could not record the end of the execution; findInterrupted() will report it');
      });
    }

    const elapsedMs = elapsedSince(startedAt);
    emit({ type: 'execution-finished', executionId, status, elapsedMs, error, at: clock.now() });
    log.info({ status, elapsedMs }, 'migration execution finished');
    if (toThrow) throw toThrow;
    return { executionId, status, applicationName: execution.applicationName, steps: outcomes, elapsedMs, error };
  }

  /**
   * The index of the first step to run, or the refusal to throw. Earlier steps
   * are only skipped when their verify queries say they took effect.
   */
  async function chooseStart(plan: ExecutionPlan, session: TargetSession, executionId: number): Promise<number | StepRunnerError> {
    const { file, start } = plan;
    if (start.fromStep !== undefined) {
      const from = stepIndex(file, start.fromStep);
      for (let i = 0; i < from; i++) {
        const step = file.steps[i]!;
        const answer = await verifyOrNull(session, step);
        if (answer.verified !== true) {
          const why = answer.verified === false ? 'its verify query says it has not taken effect' : `its verify query failed (${answer.error})`;
          return new StepRunnerError('VERIFY_MISMATCH', `cannot start at ${start.fromStep}: the earlier step ${step.name} is not done (${why}); start at ${step.name} instead`, { executionId });
        }
      }
      return from;
    }
    if (start.kind === 'fresh') return 0;

    const verified: Array<boolean | null> = [];
    for (const step of file.steps) {
      const answer = await verifyOrNull(session, step);
      verified.push(answer.verified);
      if (answer.verified !== true) break;
    }
    const previous = new Map(start.previousSteps.map((s) => [s.stepName, s]));
    const point = findResumePoint(file.steps, verified, previous);
    if (point.kind === 'complete') return file.steps.length;
    if (point.kind === 'resume') return point.index;
    return new StepRunnerError('STEP_NEEDS_DECISION', `execution ${start.previous.id} cannot resume on its own: ${point.reason}`, { executionId });
  }

  async function verifyOrNull(session: TargetSession, step: MigrationStep): Promise<{ verified: boolean | null; error?: string }> {
    try {
      return { verified: await session.verify(step.verifySql, verifyLimits) };
    } catch (err) {
      if (classifyFailure(err) === 'connection-lost') throw err;
      return { verified: null, error: describeFailure(err) };
    }
  }

  /** Execute one step's statements; never throws for an SQL error, only reports it. */
  async function runStep(session: TargetSession, step: MigrationStep, executionId: number): Promise<StepEnd> {
    let line = step.line;
    let inTransaction = false;
    try {
      await session.setTimeouts(step.lockTimeout, step.statementTimeout);
      if (step.transactional) {
        await session.query('BEGIN');
        inTransaction = true;
      }
      for (const statement of step.statements) {
        line = statement.line;
        // A cancel that arrived while no statement was running would otherwise be lost.
        if (await records.cancelRequested(executionId)) {
          if (inTransaction) await session.query('ROLLBACK');
          return { status: 'failed', execution: 'aborted', error: `cancelled by request before line ${line}${inTransaction ? ' (its transaction was rolled back)' : ''}` };
        }
        await session.query(statement.sql);
      }
      if (inTransaction) {
        line = step.statements.at(-1)?.line ?? step.line;
        await session.query('COMMIT');
      }
      return { status: 'succeeded' };
    } catch (err) {
      const kind = classifyFailure(err);
      const message = `line ${line}: ${describeFailure(err)}`;
      if (kind === 'connection-lost') {
        // The session is gone: a transactional step was rolled back by the server unless the loss hit COMMIT itself; a person checks.
        return { status: 'interrupted', execution: 'interrupted', error: `the session to the target was lost (${message}); the step's outcome must be checked with its verify query` };
      }
      if (inTransaction) await session.query('ROLLBACK').catch(() => {});
      if (kind === 'cancelled') return { status: 'failed', execution: 'aborted', error: `cancelled by request at ${message}` };
      return { status: 'failed', execution: 'failed', error: message };
    }
  }

  async function inspect(input: { executionId: number; targetUrl: string }): Promise<Inspection> {
    const execution = await records.get(input.executionId);
    if (!execution) throw new StepRunnerError('EXECUTION_NOT_FOUND', `there is no migration execution ${input.executionId}`);
    const file = await readMigrationFile(resolveRecordedPath(execution.file));
    const recorded = await records.steps(execution.id);
    return sessions.inspectTarget({ execution, file, recorded, targetUrl: input.targetUrl, lockName: execution.lockName ?? defaultLockName(execution.file) });
  }

  return {
    run,
    resume,
    inspect,
    /** Executions still marked running whose runner stopped writing its heartbeat (a dead worker), with their steps. */
    findInterrupted: (options: { staleAfterMs?: number } = {}) => sessions.findInterrupted(options.staleAfterMs),
    /** Close a dead runner's execution: it and its running step become `interrupted`, so it can be inspected and resumed. */
    markInterrupted: sessions.markInterrupted,
    endOrphanedSessions: sessions.endOrphanedSessions,
    /**
     * What a restarted worker does with an execution its predecessor left
     * running: end the orphaned session (its locks go with it), mark the
     * execution interrupted, and report what the verify queries say. Runs
     * nothing: resuming (or rolling back) is the caller's, or a person's, call.
     */
    async recover(input: { executionId: number; targetUrl: string; force?: boolean }): Promise<{ endedSessions: SessionInfo[]; inspection: Inspection }> {
      const endedSessions = await sessions.endOrphanedSessions(input.targetUrl, input.executionId, { force: input.force });
      await sessions.markInterrupted(input.executionId, { force: input.force });
      return { endedSessions, inspection: await inspect(input) };
    },
    cancelRunning: sessions.cancelRunning,
    async getExecution(executionId: number): Promise<{ execution: ExecutionRecord; steps: StepRecord[] } | undefined> {
      const execution = await records.get(executionId);
      return execution ? { execution, steps: await records.steps(executionId) } : undefined;
    },
    applicationNameFor,
  };
}

function stepIndex(file: MigrationFile, name: string): number {
  const index = file.steps.findIndex((s) => s.name === name);
  if (index === -1) {
    throw new StepRunnerError('UNKNOWN_STEP', `${file.fileName} has no step named ${name}; its steps are ${file.steps.map((s) => s.name).join(', ')}`);
  }
  return index;
}

function abortReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name !== 'AbortError') return reason.message;
  return typeof reason === 'string' ? reason : 'abort requested';
}

/** A listener's failure must never stop a migration half-way. */
function emitSafely(onStep: ((event: StepEvent) => void) | undefined, event: StepEvent, log: Logger): void {
  if (!onStep) return;
  try {
    const result: unknown = onStep(event);
    if (result instanceof Promise) result.catch((err: unknown) => log.warn({ err, event: event.type }, 'onStep listener failed'));
  } catch (err) {
    log.warn({ err, event: event.type }, 'onStep listener failed');
  }
}

/**
 * Records written after a step ran are retried briefly: a blip on the state DB
 * must not leave a finished step looking half-done.
 */
async function withRetry<T>(write: () => Promise<T>, attempts = 4): Promise<T> {
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    try {
      return await write();
    } catch (err) {
      lastError = err;
      await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** attempt));
    }
  }
  throw lastError;
}
