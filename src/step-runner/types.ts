/** The public shapes of the step runner: what callers pass in and get back. */

export type Purpose = 'migrate' | 'cutover' | 'rehearsal' | 'drill' | 'rollback';
export const PURPOSES: readonly Purpose[] = ['migrate', 'cutover', 'rehearsal', 'drill', 'rollback'];

export type ExecutionStatus = 'running' | 'succeeded' | 'failed' | 'interrupted' | 'aborted' | 'refused';
export type StepStatus = 'running' | 'succeeded' | 'failed' | 'skipped' | 'interrupted';

/** Progress the runner reports while it works (the cutover turns these into its live message). */
export type StepEvent =
  | { type: 'execution-started'; executionId: number; applicationName: string; steps: string[]; at: Date }
  | { type: 'step-skipped'; executionId: number; step: string; ordinal: number; total: number; reason: 'verified'; at: Date }
  | { type: 'step-started'; executionId: number; step: string; ordinal: number; total: number; budgetMs?: number; at: Date }
  | {
      type: 'step-finished';
      executionId: number;
      step: string;
      ordinal: number;
      total: number;
      status: 'succeeded' | 'failed' | 'interrupted';
      elapsedMs: number;
      budgetMs?: number;
      overBudget: boolean;
      error?: string;
      at: Date;
    }
  | { type: 'execution-finished'; executionId: number; status: ExecutionStatus; elapsedMs: number; error?: string; at: Date };

export interface RunOptions {
  /** Path of the marked SQL file. */
  file: string;
  /** Environment name as configured (shadow, staging, production …): recorded, not resolved here. */
  environment: string;
  targetUrl: string;
  purpose: Purpose;
  planId?: string;
  startedBy?: string;
  /** Start at this step; every step before it must verify true (they are recorded skipped). */
  fromStep?: string;
  /** Step name -> time budget in ms, from the plan. Informational: reported, never enforced. */
  budgets?: Record<string, number>;
  /** Stops the run at the next safe point: between two steps. */
  signal?: AbortSignal;
  onStep?: (event: StepEvent) => void;
  /** Advisory lock name; defaults to `golive:<directory of the file>` so a plan's migration and rollback share it. */
  lockName?: string;
}

export interface ResumeOptions {
  /** The interrupted (or failed, or aborted) execution to continue. */
  executionId: number;
  targetUrl: string;
  /**
   * Resume at this step, re-running it even if it was left running by a crash:
   * the way a person says "I checked, run it again". Without it the runner
   * resumes at the first step whose verify query is false, and refuses when
   * that step is one a crash left half-done.
   */
  fromStep?: string;
  startedBy?: string;
  budgets?: Record<string, number>;
  signal?: AbortSignal;
  onStep?: (event: StepEvent) => void;
}

export interface StepOutcome {
  name: string;
  ordinal: number;
  status: StepStatus;
  durationMs?: number;
  budgetMs?: number;
  error?: string;
}

export interface ExecutionResult {
  executionId: number;
  status: ExecutionStatus;
  applicationName: string;
  steps: StepOutcome[];
  elapsedMs: number;
  error?: string;
}

export interface ExecutionRecord {
  id: number;
  planId: string | null;
  environment: string;
  file: string;
  fileSha256: string;
  purpose: Purpose;
  status: ExecutionStatus;
  applicationName: string;
  lockName: string | null;
  targetDatabase: string | null;
  resumedFrom: number | null;
  fromStep: string | null;
  backendPid: number | null;
  runnerHost: string | null;
  runnerPid: number | null;
  startedBy: string | null;
  startedAt: Date;
  finishedAt: Date | null;
  heartbeatAt: Date | null;
  cancelRequestedAt: Date | null;
  error: string | null;
}

export interface StepRecord {
  executionId: number;
  ordinal: number;
  stepName: string;
  status: StepStatus;
  startedAt: Date;
  finishedAt: Date | null;
  durationMs: number | null;
  budgetMs: number | null;
  error: string | null;
}

/** A session on the target database, as pg_stat_activity shows it. */
export interface SessionInfo {
  pid: number;
  applicationName: string;
  state: string | null;
  query: string | null;
  backendStart: Date | null;
  user: string | null;
}

export interface StepInspection {
  name: string;
  ordinal: number;
  /** What this execution recorded for the step, if anything. */
  recordedStatus?: StepStatus;
  recordedError?: string;
  /** The verify query's answer now: true (took effect), false, or null when it could not be asked. */
  verified: boolean | null;
  verifyError?: string;
}

export interface Inspection {
  execution: ExecutionRecord;
  /** The file on disk differs from the one the execution ran (its SHA-256 changed). */
  fileChanged: boolean;
  steps: StepInspection[];
  /** Sessions on the target still tagged with the execution's application_name. */
  orphanedSessions: SessionInfo[];
  /** Whoever holds the runner's advisory lock on the target right now. */
  lockHolder?: SessionInfo;
  /** Where an automatic resume would start (first step whose verify is not true); undefined when all took effect. */
  resumeAt?: string;
  /** The resume point is a step a crash left half-done: a person must choose to re-run it or roll back. */
  needsDecision: boolean;
}
