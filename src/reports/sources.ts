import type { Pool } from '../db/pool.js';

/**
 * Reads of other features' tables that no store offers in the shape a
 * report needs: step-runner executions with their steps, the audit lines of
 * the migration and baseline phases, the cutover records, the other
 * checkpoints' latest runs. Read only.
 */

export interface StepLine {
  ordinal: number;
  name: string;
  status: string;
  startedAt: Date;
  finishedAt: Date | null;
  durationMs: number | null;
  budgetMs: number | null;
  error: string | null;
}

export interface ExecutionLine {
  id: number;
  environment: string;
  file: string;
  fileSha256: string;
  purpose: string;
  status: string;
  startedBy: string | null;
  startedAt: Date;
  finishedAt: Date | null;
  error: string | null;
  steps: StepLine[];
}

export interface AuditLine {
  at: Date;
  actor: string;
  action: string;
  checkpointId: string | null;
  details: Record<string, unknown>;
}

export interface CutoverLine {
  id: number;
  checkpointId: string;
  environment: string;
  kind: string;
  status: string;
  startedBy: string;
  confirmedBy: string | null;
  startedAt: Date | null;
  migrationStartedAt: Date | null;
  migrationFinishedAt: Date | null;
  finishedAt: Date | null;
  finalState: string | null;
  finalReason: string | null;
  downtimeMs: number | null;
  executionIds: number[];
  rollbackExecutionId: number | null;
  validationRunId: number | null;
}

export interface OtherRun {
  checkpointId: string;
  runId: number;
  number: number;
  status: string;
  decision: string | null;
  environment: string | null;
  finishedAt: Date | null;
  signoffs: { role: string; userId: string; signedAt: Date }[];
}

/** The newest executions on an environment (oldest first), at most `limit`. */
export async function readExecutions(pool: Pool, planId: string, environment: string, limit = 60): Promise<ExecutionLine[]> {
  const { rows } = await pool.query(
    `SELECT * FROM (
       SELECT id, environment, file, file_sha256, purpose, status, started_by, started_at, finished_at, error
         FROM migration_executions WHERE environment = $2 AND (plan_id = $1 OR plan_id IS NULL)
        ORDER BY id DESC LIMIT $3) e ORDER BY id`,
    [planId, environment, limit],
  );
  const ids = rows.map((r) => Number(r.id));
  const steps = new Map<number, StepLine[]>();
  if (ids.length > 0) {
    const s = await pool.query(
      `SELECT execution_id, ordinal, step_name, status, started_at, finished_at, duration_ms, budget_ms, error
         FROM migration_steps WHERE execution_id = ANY($1::bigint[]) ORDER BY execution_id, ordinal`,
      [ids],
    );
    for (const r of s.rows) {
      const list = steps.get(Number(r.execution_id)) ?? [];
      list.push({
        ordinal: Number(r.ordinal),
        name: r.step_name,
        status: r.status,
        startedAt: r.started_at,
        finishedAt: r.finished_at,
        durationMs: r.duration_ms === null ? null : Number(r.duration_ms),
        budgetMs: r.budget_ms === null || r.budget_ms === undefined ? null : Number(r.budget_ms),
        error: r.error,
      });
      steps.set(Number(r.execution_id), list);
    }
  }
  return rows.map((r) => ({
    id: Number(r.id),
    environment: r.environment,
    file: r.file,
    fileSha256: r.file_sha256,
    purpose: r.purpose,
    status: r.status,
    startedBy: r.started_by,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    error: r.error,
    steps: steps.get(Number(r.id)) ?? [],
  }));
}

/** Audit lines of the phases a report describes (migrate.*, baseline.*, cutover.*, incident.*). */
export async function readPhaseAudit(pool: Pool, planId: string, limit = 200): Promise<AuditLine[]> {
  const { rows } = await pool.query(
    `SELECT * FROM (
       SELECT id, at, actor, action, checkpoint_id, details FROM audit_log
        WHERE plan_id = $1 AND (action LIKE 'migrate.%' OR action LIKE 'baseline.%' OR action LIKE 'cutover.%' OR action LIKE 'incident.%')
        ORDER BY id DESC LIMIT $2) a ORDER BY id`,
    [planId, limit],
  );
  return rows.map((r) => ({ at: r.at, actor: r.actor, action: r.action, checkpointId: r.checkpoint_id, details: r.details ?? {} }));
}

export async function readCutovers(pool: Pool, planId: string, limit = 20): Promise<CutoverLine[]> {
  const { rows } = await pool.query(
    `SELECT id, checkpoint_id, environment, kind, status, started_by, confirmed_by, started_at, migration_started_at, migration_finished_at,
            finished_at, final_state, final_reason, downtime_ms, execution_ids, rollback_execution_id, validation_run_id
       FROM cutovers WHERE plan_id = $1 ORDER BY id DESC LIMIT $2`,
    [planId, limit],
  );
  return rows.reverse().map((r) => ({
    id: Number(r.id),
    checkpointId: r.checkpoint_id,
    environment: r.environment,
    kind: r.kind,
    status: r.status,
    startedBy: r.started_by,
    confirmedBy: r.confirmed_by,
    startedAt: r.started_at,
    migrationStartedAt: r.migration_started_at,
    migrationFinishedAt: r.migration_finished_at,
    finishedAt: r.finished_at,
    finalState: r.final_state,
    finalReason: r.final_reason,
    downtimeMs: r.downtime_ms === null ? null : Number(r.downtime_ms),
    executionIds: (r.execution_ids ?? []).map(Number),
    rollbackExecutionId: r.rollback_execution_id === null ? null : Number(r.rollback_execution_id),
    validationRunId: r.validation_run_id === null ? null : Number(r.validation_run_id),
  }));
}

/** The latest run of every checkpoint of the plan, with its live sign-offs. */
export async function readLatestRuns(pool: Pool, planId: string): Promise<OtherRun[]> {
  const { rows } = await pool.query(
    `SELECT DISTINCT ON (checkpoint_id) id, checkpoint_id, number, status, decision, environment, finished_at
       FROM runs WHERE plan_id = $1 ORDER BY checkpoint_id, id DESC`,
    [planId],
  );
  const ids = rows.map((r) => Number(r.id));
  const signed = new Map<number, OtherRun['signoffs']>();
  if (ids.length) {
    const s = await pool.query(
      `SELECT run_id, role, user_id, signed_at FROM signoffs WHERE run_id = ANY($1::bigint[]) AND withdrawn_at IS NULL ORDER BY signed_at`,
      [ids],
    );
    for (const r of s.rows) signed.set(Number(r.run_id), [...(signed.get(Number(r.run_id)) ?? []), { role: r.role, userId: r.user_id, signedAt: r.signed_at }]);
  }
  return rows.map((r) => ({
    checkpointId: r.checkpoint_id,
    runId: Number(r.id),
    number: Number(r.number),
    status: r.status,
    decision: r.decision,
    environment: r.environment,
    finishedAt: r.finished_at,
    signoffs: signed.get(Number(r.id)) ?? [],
  }));
}
