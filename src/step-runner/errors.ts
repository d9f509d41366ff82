import { GoliveError } from '../errors.js';
import type { SessionInfo } from './types.js';

/**
 * Refusals carry the execution they were recorded under (when one was), so a
 * caller can link to it; the message says what to do next.
 */
export class StepRunnerError extends GoliveError {
  readonly executionId?: number;
  constructor(code: string, message: string, options: { executionId?: number; cause?: unknown } = {}) {
    super(code, message, { cause: options.cause });
    this.name = 'StepRunnerError';
    this.executionId = options.executionId;
  }
}

export class RunnerLockedError extends StepRunnerError {
  readonly holder?: SessionInfo;
  constructor(lockName: string, holder: SessionInfo | undefined, executionId: number) {
    super('RUNNER_LOCKED', lockedMessage(lockName, holder), { executionId });
    this.name = 'RunnerLockedError';
    this.holder = holder;
  }
}

function lockedMessage(lockName: string, holder: SessionInfo | undefined): string {
  if (!holder) {
    return `another session holds the step-runner lock ${lockName} on this database (it ended as we looked): try again`;
  }
  const who = holder.applicationName ? `${holder.applicationName} (pid ${holder.pid})` : `pid ${holder.pid}`;
  const since = holder.backendStart ? `, connected since ${holder.backendStart.toISOString()}` : '';
  const golive = /^golive:[a-z]+:(\d+)$/.exec(holder.applicationName);
  const next = golive
    ? `wait for execution ${golive[1]} to finish; if its worker died, end the orphaned session with \`npm run migrate:file -- --end-orphans ${golive[1]} --env …\``
    : 'wait for it to finish, or ask whoever runs it';
  return `a second run of ${lockName} on this database was refused: ${who}${since} holds the step-runner lock; ${next}`;
}

export function isStepRunnerError(err: unknown, code?: string): err is StepRunnerError {
  return err instanceof StepRunnerError && (code === undefined || err.code === code);
}
