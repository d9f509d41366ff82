import type { Pool } from '../db/pool.js';
import type { ExecutionRecord, ExecutionStatus, Purpose, StepRecord, StepStatus } from './types.js';

/**
 * The runner's writes to golive's state DB. Every write is its own statement
 * (autocommit): a step's `running` row is durable before the step touches the
 * target, and its outcome is durable before the next one starts.
 */

const EXECUTION_COLUMNS = `id, plan_id, environment, file, file_sha256, purpose, status, application_name, lock_name,
  target_database, resumed_from, from_step, backend_pid, runner_host, runner_pid, started_by, started_at, finished_at,
  heartbeat_at, cancel_requested_at, error`;
const STEP_COLUMNS = `execution_id, ordinal, step_name, status, started_at, finished_at, duration_ms, budget_ms, error`;

export interface NewExecution {
  planId?: string;
  environment: string;
  file: string;
  fileSha256: string;
  purpose: Purpose;
  lockName: string;
  targetDatabase: string;
  resumedFrom?: number;
  fromStep?: string;
  runnerHost: string;
  runnerPid: number;
  startedBy?: string;
  now: Date;
}

/** `golive:<purpose>:<executionId>`: how an orphaned session is recognised in pg_stat_activity. */
export function applicationNameFor(purpose: Purpose, executionId: number): string {
  return `${applicationNamePrefix(purpose)}${executionId}`;
}

function applicationNamePrefix(purpose: Purpose): string {
  return `golive:${purpose}:`;
}

export type ExecutionRecords = ReturnType<typeof createExecutionRecords>;

export function createExecutionRecords(pool: Pool) {
  return {
    /** The application_name embeds the id, so it is set in the same statement that allocates it. */
    async create(input: NewExecution): Promise<ExecutionRecord> {
      const { rows } = await pool.query(
        `WITH next AS (SELECT nextval(pg_get_serial_sequence('migration_executions', 'id')) AS id)
         INSERT INTO migration_executions (id, plan_id, environment, file, file_sha256, purpose, status, application_name,
           lock_name, target_database, resumed_from, from_step, runner_host, runner_pid, started_by, started_at, heartbeat_at)
         SELECT next.id, $1, $2, $3, $4, $5, 'running', $6 || next.id,
           $7, $8, $9, $10, $11, $12, $13, $14, now()
         FROM next
         RETURNING ${EXECUTION_COLUMNS}`,
        [
          input.planId ?? null,
          input.environment,
          input.file,
          input.fileSha256,
          input.purpose,
          applicationNamePrefix(input.purpose),
          input.lockName,
          input.targetDatabase,
          input.resumedFrom ?? null,
          input.fromStep ?? null,
          input.runnerHost,
          input.runnerPid,
          input.startedBy ?? null,
          input.now,
        ],
      );
      return toExecution(rows[0]);
    },

    async get(id: number): Promise<ExecutionRecord | undefined> {
      const { rows } = await pool.query(`SELECT ${EXECUTION_COLUMNS} FROM migration_executions WHERE id = $1`, [id]);
      return rows[0] ? toExecution(rows[0]) : undefined;
    },

    async steps(executionId: number): Promise<StepRecord[]> {
      const { rows } = await pool.query(`SELECT ${STEP_COLUMNS} FROM migration_steps WHERE execution_id = $1 ORDER BY ordinal`, [executionId]);
      return rows.map(toStep);
    },

    async setBackendPid(id: number, pid: number): Promise<void> {
      await pool.query(`UPDATE migration_executions SET backend_pid = $2 WHERE id = $1`, [id, pid]);
    },

    /**
     * Liveness is about a real process, not plan time: heartbeats use the state
     * DB's clock, not the injected one (a test's manual clock may stand still
     * or leap while the runner is alive).
     */
    async heartbeat(id: number): Promise<void> {
      await pool.query(`UPDATE migration_executions SET heartbeat_at = now() WHERE id = $1 AND status = 'running'`, [id]);
    },

    /** Milliseconds since the execution's last heartbeat, by the state DB's clock. */
    async heartbeatAgeMs(id: number): Promise<number | undefined> {
      const { rows } = await pool.query(
        `SELECT extract(epoch FROM (now() - coalesce(heartbeat_at, started_at))) * 1000 AS age FROM migration_executions WHERE id = $1`,
        [id],
      );
      return rows[0] ? Number(rows[0].age) : undefined;
    },

    /** True when someone asked this execution to stop (cancelRunning). */
    async cancelRequested(id: number): Promise<boolean> {
      const { rows } = await pool.query(`SELECT cancel_requested_at IS NOT NULL AS requested FROM migration_executions WHERE id = $1`, [id]);
      return rows[0]?.requested === true;
    },

    async requestCancel(id: number, now: Date): Promise<boolean> {
      const { rowCount } = await pool.query(
        `UPDATE migration_executions SET cancel_requested_at = coalesce(cancel_requested_at, $2) WHERE id = $1 AND status = 'running'`,
        [id, now],
      );
      return (rowCount ?? 0) > 0;
    },

    async finish(id: number, status: Exclude<ExecutionStatus, 'running'>, now: Date, error?: string): Promise<void> {
      await pool.query(`UPDATE migration_executions SET status = $2, finished_at = $3, error = $4 WHERE id = $1`, [id, status, now, error ?? null]);
    },

    async stepStarted(input: { executionId: number; ordinal: number; name: string; budgetMs?: number; now: Date }): Promise<void> {
      await pool.query(
        `INSERT INTO migration_steps (execution_id, ordinal, step_name, status, started_at, budget_ms) VALUES ($1, $2, $3, 'running', $4, $5)`,
        [input.executionId, input.ordinal, input.name, input.now, input.budgetMs ?? null],
      );
    },

    async stepSkipped(input: { executionId: number; ordinal: number; name: string; budgetMs?: number; now: Date }): Promise<void> {
      await pool.query(
        `INSERT INTO migration_steps (execution_id, ordinal, step_name, status, started_at, finished_at, duration_ms, budget_ms)
         VALUES ($1, $2, $3, 'skipped', $4, $4, 0, $5)`,
        [input.executionId, input.ordinal, input.name, input.now, input.budgetMs ?? null],
      );
    },

    async stepFinished(input: { executionId: number; name: string; status: Exclude<StepStatus, 'running' | 'skipped'>; now: Date; durationMs: number; error?: string }): Promise<void> {
      await pool.query(
        `UPDATE migration_steps SET status = $3, finished_at = $4, duration_ms = $5, error = $6 WHERE execution_id = $1 AND step_name = $2`,
        [input.executionId, input.name, input.status, input.now, Math.round(input.durationMs), input.error ?? null],
      );
    },

    /** Executions still marked running whose runner has written no heartbeat for `staleAfterMs`. */
    async listStale(staleAfterMs: number): Promise<ExecutionRecord[]> {
      const { rows } = await pool.query(
        `SELECT ${EXECUTION_COLUMNS} FROM migration_executions
         WHERE status = 'running' AND coalesce(heartbeat_at, started_at) <= now() - make_interval(secs => $1::double precision / 1000)
         ORDER BY id`,
        [staleAfterMs],
      );
      return rows.map(toExecution);
    },

    /** A crashed runner's execution: it and the step it was in become `interrupted`. Returns false if it was not running. */
    async markInterrupted(id: number, now: Date, error: string): Promise<boolean> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const { rowCount } = await client.query(
          `UPDATE migration_executions SET status = 'interrupted', finished_at = $2, error = $3 WHERE id = $1 AND status = 'running'`,
          [id, now, error],
        );
        if (rowCount) {
          await client.query(
            `UPDATE migration_steps SET status = 'interrupted', finished_at = $2, error = $3,
               duration_ms = round(extract(epoch FROM ($2 - started_at)) * 1000)
             WHERE execution_id = $1 AND status = 'running'`,
            [id, now, error],
          );
        }
        await client.query('COMMIT');
        return (rowCount ?? 0) > 0;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
  };
}

type Row = Record<string, unknown>;
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function toExecution(row: Row): ExecutionRecord {
  return {
    id: Number(row.id),
    planId: (row.plan_id as string | null) ?? null,
    environment: row.environment as string,
    file: row.file as string,
    fileSha256: row.file_sha256 as string,
    purpose: row.purpose as Purpose,
    status: row.status as ExecutionStatus,
    applicationName: row.application_name as string,
    lockName: (row.lock_name as string | null) ?? null,
    targetDatabase: (row.target_database as string | null) ?? null,
    resumedFrom: num(row.resumed_from),
    fromStep: (row.from_step as string | null) ?? null,
    backendPid: num(row.backend_pid),
    runnerHost: (row.runner_host as string | null) ?? null,
    runnerPid: num(row.runner_pid),
    startedBy: (row.started_by as string | null) ?? null,
    startedAt: row.started_at as Date,
    finishedAt: (row.finished_at as Date | null) ?? null,
    heartbeatAt: (row.heartbeat_at as Date | null) ?? null,
    cancelRequestedAt: (row.cancel_requested_at as Date | null) ?? null,
    error: (row.error as string | null) ?? null,
  };
}

function toStep(row: Row): StepRecord {
  return {
    executionId: Number(row.execution_id),
    ordinal: Number(row.ordinal),
    stepName: row.step_name as string,
    status: row.status as StepStatus,
    startedAt: row.started_at as Date,
    finishedAt: (row.finished_at as Date | null) ?? null,
    durationMs: num(row.duration_ms),
    budgetMs: num(row.budget_ms),
    error: (row.error as string | null) ?? null,
  };
}
