/** The step runner: executes a marked migration file on a target database, step by step, recorded in the state DB. */
export { createStepRunner, type StepRunner, type StepRunnerDeps } from './runner.js';
export { RunnerLockedError, StepRunnerError, isStepRunnerError } from './errors.js';
export { applicationNameFor } from './records.js';
export { defaultLockName } from './file.js';
export * from './types.js';
