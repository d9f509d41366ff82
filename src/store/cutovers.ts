import type { Pool } from '../db/pool.js';

export type CutoverKind = 'cutover' | 'rehearsal' | 'rollback';
export type CutoverStatus =
  | 'awaiting_confirmation'
  | 'queued'
  | 'running'
  | 'interrupted'
  | 'completed'
  | 'aborted'
  | 'rolled_back'
  | 'failed'
  | 'cancelled';
export type CutoverFinalState = 'completed' | 'aborted' | 'rolled_back' | 'failed';
export type ThresholdAction = 'assess' | 'consider_abort' | 'hard_stop_rollback';

/** Statuses during which another start on the same plan and environment is refused. */
export const ACTIVE_CUTOVER_STATUSES: readonly CutoverStatus[] = ['awaiting_confirmation', 'queued', 'running', 'interrupted'];

export interface CutoverRecord {
  id: number;
  planId: string;
  checkpointId: string;
  environment: string;
  kind: CutoverKind;
  status: CutoverStatus;
  phase: string | null;
  currentStep: string | null;
  startedBy: string;
  confirmedBy: string | null;
  channelId: string | null;
  messageTs: string | null;
  createdAt: Date;
  confirmedAt: Date | null;
  startedAt: Date | null;
  migrationStartedAt: Date | null;
  migrationFinishedAt: Date | null;
  finishedAt: Date | null;
  heartbeatAt: Date | null;
  abortRequestedAt: Date | null;
  abortRequestedBy: string | null;
  abortReason: string | null;
  executionIds: number[];
  fileIndex: number;
  rollbackExecutionId: number | null;
  preCutoverRunId: number | null;
  validationRunId: number | null;
  finalState: CutoverFinalState | null;
  finalReason: string | null;
  downtimeMs: number | null;
  snapshot: Record<string, unknown> | null;
  rollbackReport: Record<string, unknown> | null;
  validation: Record<string, unknown> | null;
  detail: Record<string, unknown>;
}

export interface ThresholdRecord {
  cutoverId: number;
  action: ThresholdAction;
  afterMs: number;
  postedAt: Date;
  channelId: string | null;
  ts: string | null;
  decision: 'continue' | 'abort' | null;
  decidedBy: string | null;
  decidedAt: Date | null;
}

export interface CutoverItemRecord {
  cutoverId: number;
  phase: string;
  itemIndex: number;
  text: string;
  role: string | null;
  reachedAt: Date;
  confirmedBy: string | null;
  confirmedAt: Date | null;
}

export class CutoverActiveError extends Error {
  constructor(readonly active: CutoverRecord) {
    super(`cutover #${active.id} of ${active.planId} on ${active.environment} is ${active.status}`);
  }
}

const COLUMNS = `id, plan_id, checkpoint_id, environment, kind, status, phase, current_step, started_by, confirmed_by, channel_id, message_ts,
  created_at, confirmed_at, started_at, migration_started_at, migration_finished_at, finished_at, heartbeat_at,
  abort_requested_at, abort_requested_by, abort_reason, execution_ids, file_index, rollback_execution_id,
  pre_cutover_run_id, validation_run_id, final_state, final_reason, downtime_ms, snapshot, rollback_report, validation, detail`;

type Row = Record<string, any>;

/**
 * The cutover's record in the state DB. Transitions are conditional updates
 * (`WHERE status = …`), so two workers or two clicks can never both move a
 * cutover on; the partial unique index keeps one active cutover per plan and
 * environment.
 */
export function createCutoverStore(pool: Pool) {
  const one = async (sql: string, params: unknown[]): Promise<CutoverRecord | undefined> => {
    const { rows } = await pool.query(sql, params);
    return rows[0] ? toCutover(rows[0]) : undefined;
  };

  return {
    async create(input: {
      planId: string;
      checkpointId: string;
      environment: string;
      kind: CutoverKind;
      startedBy: string;
      channelId: string;
      requestKey?: string | undefined;
      preCutoverRunId?: number | undefined;
      now: Date;
    }): Promise<{ cutover: CutoverRecord; created: boolean }> {
      if (input.requestKey) {
        const existing = await one(`SELECT ${COLUMNS} FROM cutovers WHERE request_key = $1`, [input.requestKey]);
        if (existing) return { cutover: existing, created: false };
      }
      try {
        const created = await one(
          `INSERT INTO cutovers (plan_id, checkpoint_id, environment, kind, status, started_by, channel_id, request_key, pre_cutover_run_id, created_at)
           VALUES ($1, $2, $3, $4, 'awaiting_confirmation', $5, $6, $7, $8, $9) RETURNING ${COLUMNS}`,
          [input.planId, input.checkpointId, input.environment, input.kind, input.startedBy, input.channelId, input.requestKey ?? null, input.preCutoverRunId ?? null, input.now],
        );
        return { cutover: created!, created: true };
      } catch (err) {
        if ((err as { code?: string }).code !== '23505') throw err;
        if (input.requestKey) {
          const existing = await one(`SELECT ${COLUMNS} FROM cutovers WHERE request_key = $1`, [input.requestKey]);
          if (existing) return { cutover: existing, created: false };
        }
        const active = await this.active(input.planId, input.environment);
        if (active) throw new CutoverActiveError(active);
        throw err;
      }
    },

    get: (id: number) => one(`SELECT ${COLUMNS} FROM cutovers WHERE id = $1`, [id]),

    /** The active cutover (waiting, queued, running or interrupted) of a plan on an environment. */
    active: (planId: string, environment: string) =>
      one(`SELECT ${COLUMNS} FROM cutovers WHERE plan_id = $1 AND environment = $2 AND status = ANY($3::text[]) ORDER BY id DESC LIMIT 1`, [
        planId,
        environment,
        ACTIVE_CUTOVER_STATUSES,
      ]),

    /** Any active cutover of a plan, whatever the environment. */
    activeForPlan: (planId: string) =>
      one(`SELECT ${COLUMNS} FROM cutovers WHERE plan_id = $1 AND status = ANY($2::text[]) ORDER BY id DESC LIMIT 1`, [planId, ACTIVE_CUTOVER_STATUSES]),

    latest: (planId: string, kinds: CutoverKind[]) =>
      one(`SELECT ${COLUMNS} FROM cutovers WHERE plan_id = $1 AND kind = ANY($2::text[]) ORDER BY id DESC LIMIT 1`, [planId, kinds]),

    /** The latest finished production attempt (a cutover or a rollback) of a plan. */
    latestFinished: (planId: string) =>
      one(
        `SELECT ${COLUMNS} FROM cutovers WHERE plan_id = $1 AND kind IN ('cutover', 'rollback') AND final_state IS NOT NULL ORDER BY id DESC LIMIT 1`,
        [planId],
      ),

    /** awaiting_confirmation → queued, once: the first click wins. */
    confirm: (id: number, userId: string, now: Date) =>
      one(
        `UPDATE cutovers SET status = 'queued', confirmed_by = $2, confirmed_at = $3 WHERE id = $1 AND status = 'awaiting_confirmation' RETURNING ${COLUMNS}`,
        [id, userId, now],
      ),

    cancel: (id: number, reason: string, now: Date) =>
      one(
        `UPDATE cutovers SET status = 'cancelled', final_reason = $2, finished_at = $3 WHERE id = $1 AND status = 'awaiting_confirmation' RETURNING ${COLUMNS}`,
        [id, reason, now],
      ),

    /** queued or interrupted → running, by the worker that will run it. */
    begin: (id: number, now: Date) =>
      one(
        `UPDATE cutovers SET status = 'running', started_at = coalesce(started_at, $2), heartbeat_at = now(),
                abort_requested_at = CASE WHEN status = 'interrupted' THEN NULL ELSE abort_requested_at END,
                abort_requested_by = CASE WHEN status = 'interrupted' THEN NULL ELSE abort_requested_by END,
                abort_reason = CASE WHEN status = 'interrupted' THEN NULL ELSE abort_reason END
          WHERE id = $1 AND status IN ('queued', 'interrupted') RETURNING ${COLUMNS}`,
        [id, now],
      ),

    async heartbeat(id: number): Promise<void> {
      await pool.query(`UPDATE cutovers SET heartbeat_at = now() WHERE id = $1 AND status = 'running'`, [id]);
    },

    async setPhase(id: number, phase: string | null, currentStep: string | null = null): Promise<void> {
      await pool.query(`UPDATE cutovers SET phase = $2, current_step = $3 WHERE id = $1`, [id, phase, currentStep]);
    },

    async setStep(id: number, step: string | null): Promise<void> {
      await pool.query(`UPDATE cutovers SET current_step = $2 WHERE id = $1`, [id, step]);
    },

    async setMessage(id: number, channelId: string, ts: string): Promise<void> {
      await pool.query(`UPDATE cutovers SET channel_id = $2, message_ts = $3 WHERE id = $1`, [id, channelId, ts]);
    },

    async migrationStarted(id: number, now: Date): Promise<void> {
      await pool.query(`UPDATE cutovers SET migration_started_at = coalesce(migration_started_at, $2) WHERE id = $1`, [id, now]);
    },

    async migrationFinished(id: number, now: Date): Promise<void> {
      await pool.query(`UPDATE cutovers SET migration_finished_at = $2 WHERE id = $1`, [id, now]);
    },

    async addExecution(id: number, executionId: number, fileIndex: number): Promise<void> {
      await pool.query(
        `UPDATE cutovers SET execution_ids = CASE WHEN $2 = ANY(execution_ids) THEN execution_ids ELSE array_append(execution_ids, $2) END, file_index = $3 WHERE id = $1`,
        [id, executionId, fileIndex],
      );
    },

    async setFileIndex(id: number, fileIndex: number): Promise<void> {
      await pool.query(`UPDATE cutovers SET file_index = $2 WHERE id = $1`, [id, fileIndex]);
    },

    async setRollbackExecution(id: number, executionId: number): Promise<void> {
      await pool.query(`UPDATE cutovers SET rollback_execution_id = $2 WHERE id = $1`, [id, executionId]);
    },

    async setSnapshot(id: number, snapshot: Record<string, unknown>): Promise<void> {
      await pool.query(`UPDATE cutovers SET snapshot = coalesce(snapshot, $2) WHERE id = $1`, [id, JSON.stringify(snapshot)]);
    },

    async setValidation(id: number, validation: Record<string, unknown>): Promise<void> {
      await pool.query(`UPDATE cutovers SET validation = $2 WHERE id = $1`, [id, JSON.stringify(validation)]);
    },

    async setRollbackReport(id: number, report: Record<string, unknown>): Promise<void> {
      await pool.query(`UPDATE cutovers SET rollback_report = $2 WHERE id = $1`, [id, JSON.stringify(report)]);
    },

    /** Merge one key into the detail document (what an action item found). */
    async setDetail(id: number, key: string, value: unknown): Promise<void> {
      await pool.query(`UPDATE cutovers SET detail = detail || jsonb_build_object($2::text, $3::jsonb) WHERE id = $1`, [id, key, JSON.stringify(value ?? null)]);
    },

    /** Ask a running (or waiting) cutover to stop at its next safe point; the first request is kept. */
    requestAbort: (id: number, userId: string, reason: string, now: Date) =>
      one(
        `UPDATE cutovers SET abort_requested_at = coalesce(abort_requested_at, $4), abort_requested_by = coalesce(abort_requested_by, $2),
                abort_reason = coalesce(abort_reason, $3)
          WHERE id = $1 AND status IN ('queued', 'running') RETURNING ${COLUMNS}`,
        [id, userId, reason, now],
      ),

    async finish(id: number, input: { status: CutoverStatus; finalState: CutoverFinalState; reason?: string | undefined; downtimeMs?: number | undefined; now: Date }): Promise<CutoverRecord | undefined> {
      return one(
        `UPDATE cutovers SET status = $2, final_state = $3, final_reason = $4, downtime_ms = $5, finished_at = $6, current_step = NULL
          WHERE id = $1 RETURNING ${COLUMNS}`,
        [id, input.status, input.finalState, input.reason ?? null, input.downtimeMs === undefined ? null : Math.round(input.downtimeMs), input.now],
      );
    },

    async setValidationRun(id: number, runId: number): Promise<void> {
      await pool.query(`UPDATE cutovers SET validation_run_id = $2 WHERE id = $1`, [id, runId]);
    },

    /**
     * Running cutovers whose worker stopped writing its heartbeat for
     * `staleAfterMs` (by the state DB's clock).
     */
    async listStale(staleAfterMs: number): Promise<CutoverRecord[]> {
      const { rows } = await pool.query(
        `SELECT ${COLUMNS} FROM cutovers
          WHERE status = 'running' AND coalesce(heartbeat_at, now() - interval '1 day') <= now() - make_interval(secs => $1::double precision / 1000)
          ORDER BY id`,
        [staleAfterMs],
      );
      return rows.map(toCutover);
    },

    /** Running cutovers whose heartbeat is still fresh (their worker may yet die). */
    async listRunning(): Promise<CutoverRecord[]> {
      const { rows } = await pool.query(`SELECT ${COLUMNS} FROM cutovers WHERE status = 'running' ORDER BY id`);
      return rows.map(toCutover);
    },

    /** running → interrupted, only if the heartbeat is still stale (one worker wins). */
    markInterrupted: (id: number, staleAfterMs: number, reason: string) =>
      one(
        `UPDATE cutovers SET status = 'interrupted', final_reason = $3
          WHERE id = $1 AND status = 'running'
            AND coalesce(heartbeat_at, now() - interval '1 day') <= now() - make_interval(secs => $2::double precision / 1000)
          RETURNING ${COLUMNS}`,
        [id, staleAfterMs, reason],
      ),

    /** running → interrupted at once: the worker itself hit something only a person can judge. */
    interruptNow: (id: number, reason: string) =>
      one(`UPDATE cutovers SET status = 'interrupted', final_reason = $2 WHERE id = $1 AND status = 'running' RETURNING ${COLUMNS}`, [id, reason]),

    /** Age of each running cutover's heartbeat (state DB clock), for scheduling the next look. */
    async heartbeatAges(): Promise<{ id: number; ageMs: number }[]> {
      const { rows } = await pool.query(
        `SELECT id, extract(epoch FROM (now() - coalesce(heartbeat_at, now() - interval '1 day'))) * 1000 AS age FROM cutovers WHERE status = 'running'`,
      );
      return rows.map((r) => ({ id: Number(r.id), ageMs: Number(r.age) }));
    },

    /** interrupted → queued for a resume or a rollback chosen by a person. */
    requeue: (id: number) => one(`UPDATE cutovers SET status = 'queued', final_reason = NULL WHERE id = $1 AND status = 'interrupted' RETURNING ${COLUMNS}`, [id]),

    // ---------- thresholds ----------

    /** Record a threshold as crossed; true only for the caller that recorded it first (it posts). */
    async claimThreshold(input: { cutoverId: number; action: ThresholdAction; afterMs: number; now: Date }): Promise<boolean> {
      const { rowCount } = await pool.query(
        `INSERT INTO cutover_thresholds (cutover_id, action, after_ms, posted_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
        [input.cutoverId, input.action, input.afterMs, input.now],
      );
      return rowCount === 1;
    },

    async setThresholdMessage(cutoverId: number, action: ThresholdAction, channelId: string, ts: string): Promise<void> {
      await pool.query(`UPDATE cutover_thresholds SET channel_id = $3, ts = $4 WHERE cutover_id = $1 AND action = $2`, [cutoverId, action, channelId, ts]);
    },

    /** The DBA's answer to a threshold, once. */
    async decideThreshold(input: { cutoverId: number; action: ThresholdAction; decision: 'continue' | 'abort'; userId: string; now: Date }): Promise<ThresholdRecord | undefined> {
      const { rows } = await pool.query(
        `UPDATE cutover_thresholds SET decision = $3, decided_by = $4, decided_at = $5
          WHERE cutover_id = $1 AND action = $2 AND decision IS NULL RETURNING *`,
        [input.cutoverId, input.action, input.decision, input.userId, input.now],
      );
      return rows[0] ? toThreshold(rows[0]) : undefined;
    },

    async thresholds(cutoverId: number): Promise<ThresholdRecord[]> {
      const { rows } = await pool.query(`SELECT * FROM cutover_thresholds WHERE cutover_id = $1 ORDER BY after_ms`, [cutoverId]);
      return rows.map(toThreshold);
    },

    // ---------- manual items ----------

    async reachItem(input: { cutoverId: number; phase: string; itemIndex: number; text: string; role?: string | undefined; now: Date }): Promise<void> {
      await pool.query(
        `INSERT INTO cutover_items (cutover_id, phase, item_index, text, role, reached_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
        [input.cutoverId, input.phase, input.itemIndex, input.text, input.role ?? null, input.now],
      );
    },

    async confirmItem(input: { cutoverId: number; phase: string; itemIndex: number; userId: string; now: Date }): Promise<CutoverItemRecord | undefined> {
      const { rows } = await pool.query(
        `UPDATE cutover_items SET confirmed_by = $4, confirmed_at = $5
          WHERE cutover_id = $1 AND phase = $2 AND item_index = $3 AND confirmed_at IS NULL RETURNING *`,
        [input.cutoverId, input.phase, input.itemIndex, input.userId, input.now],
      );
      return rows[0] ? toItem(rows[0]) : undefined;
    },

    async items(cutoverId: number): Promise<CutoverItemRecord[]> {
      const { rows } = await pool.query(`SELECT * FROM cutover_items WHERE cutover_id = $1 ORDER BY reached_at, phase, item_index`, [cutoverId]);
      return rows.map(toItem);
    },

    // ---------- pre-cutover windows ----------

    async ensureWindow(planId: string, checkpointId: string, shiftMs: number): Promise<{ runId: number | null; decidedAt: Date | null }> {
      await pool.query(`INSERT INTO precutover_windows (plan_id, checkpoint_id, shift_ms) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [planId, checkpointId, shiftMs]);
      const { rows } = await pool.query(`SELECT run_id, decided_at FROM precutover_windows WHERE plan_id = $1 AND checkpoint_id = $2 AND shift_ms = $3`, [planId, checkpointId, shiftMs]);
      return { runId: rows[0]?.run_id === null || rows[0]?.run_id === undefined ? null : Number(rows[0].run_id), decidedAt: rows[0]?.decided_at ?? null };
    },

    async windows(planId: string, checkpointId: string): Promise<Array<{ shiftMs: number; runId: number | null; decidedAt: Date | null }>> {
      const { rows } = await pool.query(`SELECT shift_ms, run_id, decided_at FROM precutover_windows WHERE plan_id = $1 AND checkpoint_id = $2 ORDER BY shift_ms`, [planId, checkpointId]);
      return rows.map((r) => ({ shiftMs: Number(r.shift_ms), runId: r.run_id === null ? null : Number(r.run_id), decidedAt: r.decided_at }));
    },

    async setWindowRun(planId: string, checkpointId: string, shiftMs: number, runId: number): Promise<void> {
      await pool.query(`UPDATE precutover_windows SET run_id = coalesce(run_id, $4) WHERE plan_id = $1 AND checkpoint_id = $2 AND shift_ms = $3`, [planId, checkpointId, shiftMs, runId]);
    },

    /** The window's decision, taken once. */
    async decideWindow(planId: string, checkpointId: string, shiftMs: number, now: Date): Promise<boolean> {
      const { rowCount } = await pool.query(
        `UPDATE precutover_windows SET decided_at = $4 WHERE plan_id = $1 AND checkpoint_id = $2 AND shift_ms = $3 AND decided_at IS NULL`,
        [planId, checkpointId, shiftMs, now],
      );
      return rowCount === 1;
    },
  };
}

export type CutoverStore = ReturnType<typeof createCutoverStore>;

function toCutover(row: Row): CutoverRecord {
  const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    id: Number(row.id),
    planId: row.plan_id,
    checkpointId: row.checkpoint_id,
    environment: row.environment,
    kind: row.kind,
    status: row.status,
    phase: row.phase,
    currentStep: row.current_step,
    startedBy: row.started_by,
    confirmedBy: row.confirmed_by,
    channelId: row.channel_id,
    messageTs: row.message_ts,
    createdAt: row.created_at,
    confirmedAt: row.confirmed_at,
    startedAt: row.started_at,
    migrationStartedAt: row.migration_started_at,
    migrationFinishedAt: row.migration_finished_at,
    finishedAt: row.finished_at,
    heartbeatAt: row.heartbeat_at,
    abortRequestedAt: row.abort_requested_at,
    abortRequestedBy: row.abort_requested_by,
    abortReason: row.abort_reason,
    executionIds: ((row.execution_ids as unknown[]) ?? []).map(Number),
    fileIndex: Number(row.file_index ?? 0),
    rollbackExecutionId: n(row.rollback_execution_id),
    preCutoverRunId: n(row.pre_cutover_run_id),
    validationRunId: n(row.validation_run_id),
    finalState: row.final_state,
    finalReason: row.final_reason,
    downtimeMs: n(row.downtime_ms),
    snapshot: row.snapshot,
    rollbackReport: row.rollback_report,
    validation: row.validation,
    detail: row.detail ?? {},
  };
}

function toThreshold(row: Row): ThresholdRecord {
  return {
    cutoverId: Number(row.cutover_id),
    action: row.action,
    afterMs: Number(row.after_ms),
    postedAt: row.posted_at,
    channelId: row.channel_id,
    ts: row.ts,
    decision: row.decision,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
  };
}

function toItem(row: Row): CutoverItemRecord {
  return {
    cutoverId: Number(row.cutover_id),
    phase: row.phase,
    itemIndex: Number(row.item_index),
    text: row.text,
    role: row.role,
    reachedAt: row.reached_at,
    confirmedBy: row.confirmed_by,
    confirmedAt: row.confirmed_at,
  };
}
