import type { Pool } from '../db/pool.js';

export type RunStatus = 'running' | 'complete' | 'failed' | 'cancelled';
export type ResultStatus = 'pass' | 'fail' | 'error' | 'skipped' | 'pending';

export interface RunRecord {
  id: number;
  planId: string;
  checkpointId: string;
  number: number;
  environment: string | null;
  status: RunStatus;
  decision: string | null;
  decisionKind: string | null;
  decisionDetail: Record<string, unknown> | null;
  evidenceDigest: string | null;
  startedBy: string;
  startedAt: Date;
  finishedAt: Date | null;
  channelId: string | null;
  messageTs: string | null;
}

export interface CheckResultRecord {
  runId: number;
  checkId: string;
  criterionId: string;
  status: ResultStatus;
  observed: unknown;
  expected: unknown;
  message: string | null;
  evidence: unknown;
  durationMs: number | null;
  recordedAt: Date;
}

const RUN_COLUMNS = `id, plan_id, checkpoint_id, number, environment, status, decision, decision_kind, decision_detail,
  evidence_digest, started_by, started_at, finished_at, channel_id, message_ts`;

export class RunInProgressError extends Error {
  constructor(readonly running: RunRecord) {
    super(`run #${running.number} of ${running.checkpointId} is still in progress`);
  }
}

export function createRunStore(pool: Pool) {
  return {
    /**
     * Start a run. The partial unique index allows one running run per
     * checkpoint; the request key makes a re-delivered command return the run
     * it already created instead of a second one.
     */
    async create(input: { planId: string; checkpointId: string; environment?: string; startedBy: string; requestKey?: string; channelId?: string; now?: Date }): Promise<{ run: RunRecord; created: boolean }> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        if (input.requestKey) {
          const existing = await client.query(`SELECT ${RUN_COLUMNS} FROM runs WHERE request_key = $1`, [input.requestKey]);
          if (existing.rows[0]) {
            await client.query('ROLLBACK');
            return { run: toRun(existing.rows[0]), created: false };
          }
        }
        // Serialise numbering per checkpoint.
        await client.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`runs:${input.planId}:${input.checkpointId}`]);
        const running = await client.query(`SELECT ${RUN_COLUMNS} FROM runs WHERE plan_id = $1 AND checkpoint_id = $2 AND status = 'running'`, [input.planId, input.checkpointId]);
        if (running.rows[0]) {
          await client.query('ROLLBACK');
          throw new RunInProgressError(toRun(running.rows[0]));
        }
        const { rows } = await client.query(
          `INSERT INTO runs (plan_id, checkpoint_id, number, environment, started_by, started_at, channel_id, request_key)
           VALUES ($1, $2, (SELECT coalesce(max(number), 0) + 1 FROM runs WHERE plan_id = $1 AND checkpoint_id = $2), $3, $4, coalesce($5, now()), $6, $7)
           RETURNING ${RUN_COLUMNS}`,
          [input.planId, input.checkpointId, input.environment ?? null, input.startedBy, input.now ?? null, input.channelId ?? null, input.requestKey ?? null],
        );
        await client.query('COMMIT');
        return { run: toRun(rows[0]), created: true };
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },

    async get(runId: number): Promise<RunRecord | undefined> {
      const { rows } = await pool.query(`SELECT ${RUN_COLUMNS} FROM runs WHERE id = $1`, [runId]);
      return rows[0] && toRun(rows[0]);
    },

    async latest(planId: string, checkpointId: string): Promise<RunRecord | undefined> {
      const { rows } = await pool.query(
        `SELECT ${RUN_COLUMNS} FROM runs WHERE plan_id = $1 AND checkpoint_id = $2 ORDER BY id DESC LIMIT 1`,
        [planId, checkpointId],
      );
      return rows[0] && toRun(rows[0]);
    },

    /** The checkpoint's latest run that reached a decision (complete), whatever the decision. */
    async latestDecided(planId: string, checkpointId: string): Promise<RunRecord | undefined> {
      const { rows } = await pool.query(
        `SELECT ${RUN_COLUMNS} FROM runs WHERE plan_id = $1 AND checkpoint_id = $2 AND status = 'complete' AND decision IS NOT NULL ORDER BY id DESC LIMIT 1`,
        [planId, checkpointId],
      );
      return rows[0] && toRun(rows[0]);
    },

    /** Runs decided with this kind of outcome since `since` (their decision time), oldest first. */
    async decidedSince(decisionKind: string, since: Date): Promise<RunRecord[]> {
      const { rows } = await pool.query(
        `SELECT ${RUN_COLUMNS} FROM runs WHERE status = 'complete' AND decision_kind = $1 AND finished_at >= $2 ORDER BY id`,
        [decisionKind, since],
      );
      return rows.map(toRun);
    },

    /** Latest run of every checkpoint of a plan. */
    async latestPerCheckpoint(planId: string): Promise<Map<string, RunRecord>> {
      const { rows } = await pool.query(
        `SELECT DISTINCT ON (checkpoint_id) ${RUN_COLUMNS} FROM runs WHERE plan_id = $1 ORDER BY checkpoint_id, id DESC`,
        [planId],
      );
      return new Map(rows.map((row) => [row.checkpoint_id as string, toRun(row)]));
    },

    /**
     * The run's checks are now a BullMQ flow of this generation (1 when
     * first queued). A generation above 1 is taken only from the one before
     * it: of two workers recovering the same lost flow, one wins.
     */
    async markFlow(runId: number, generation: number): Promise<boolean> {
      const r = await pool.query(
        `UPDATE runs SET flow_generation = $2, flow_launched_at = now()
          WHERE id = $1 AND status = 'running' AND coalesce(flow_generation, 0) = $2 - 1`,
        [runId, generation],
      );
      return r.rowCount === 1;
    },

    /** Runs still in progress whose flow was queued at least `minAgeMs` ago (state DB clock). */
    async runningFlows(minAgeMs: number): Promise<{ run: RunRecord; generation: number }[]> {
      const { rows } = await pool.query(
        `SELECT ${RUN_COLUMNS}, flow_generation FROM runs
          WHERE status = 'running' AND flow_generation IS NOT NULL AND flow_launched_at < now() - make_interval(secs => $1::float8 / 1000)
          ORDER BY id`,
        [minAgeMs],
      );
      return rows.map((row) => ({ run: toRun(row), generation: Number(row.flow_generation) }));
    },

    async results(runId: number): Promise<CheckResultRecord[]> {
      const { rows } = await pool.query(
        `SELECT run_id, check_id, criterion_id, status, observed, expected, message, evidence, duration_ms, recorded_at
           FROM check_results WHERE run_id = $1 ORDER BY recorded_at, check_id`,
        [runId],
      );
      return rows.map(toResult);
    },

    /** Record a check's outcome once; a second delivery of the same job changes nothing. */
    async recordResult(result: Omit<CheckResultRecord, 'recordedAt'>): Promise<boolean> {
      const r = await pool.query(
        `INSERT INTO check_results (run_id, check_id, criterion_id, status, observed, expected, message, evidence, duration_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (run_id, check_id) DO NOTHING`,
        [result.runId, result.checkId, result.criterionId, result.status, json(result.observed), json(result.expected), result.message, json(result.evidence), result.durationMs],
      );
      return r.rowCount === 1;
    },

    async finish(runId: number, outcome: { status: RunStatus; decision: string; decisionKind: string; decisionDetail: unknown; evidenceDigest: string; now?: Date }): Promise<RunRecord> {
      const { rows } = await pool.query(
        `UPDATE runs SET status = $2, decision = $3, decision_kind = $4, decision_detail = $5, evidence_digest = $6, finished_at = coalesce($7, now())
          WHERE id = $1 RETURNING ${RUN_COLUMNS}`,
        [runId, outcome.status, outcome.decision, outcome.decisionKind, json(outcome.decisionDetail), outcome.evidenceDigest, outcome.now ?? null],
      );
      return toRun(rows[0]);
    },

    /**
     * The decision of a finished run taken again after a manual check was
     * attested. The evidence digest covers automated results only, so it stays.
     */
    async setDecision(runId: number, outcome: { decision: string; decisionKind: string; decisionDetail: unknown }): Promise<RunRecord | undefined> {
      const { rows } = await pool.query(
        `UPDATE runs SET decision = $2, decision_kind = $3, decision_detail = $4 WHERE id = $1 AND status <> 'running' RETURNING ${RUN_COLUMNS}`,
        [runId, outcome.decision, outcome.decisionKind, json(outcome.decisionDetail)],
      );
      return rows[0] && toRun(rows[0]);
    },

    async setMessage(runId: number, channelId: string, ts: string): Promise<void> {
      await pool.query(`UPDATE runs SET channel_id = $2, message_ts = $3 WHERE id = $1`, [runId, channelId, ts]);
    },
  };
}

/** pg sends JS strings as text; jsonb columns need valid JSON, so encode explicitly. */
function json(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

function toRun(row: Record<string, any>): RunRecord {
  return {
    id: Number(row.id),
    planId: row.plan_id,
    checkpointId: row.checkpoint_id,
    number: row.number,
    environment: row.environment,
    status: row.status,
    decision: row.decision,
    decisionKind: row.decision_kind,
    decisionDetail: row.decision_detail,
    evidenceDigest: row.evidence_digest,
    startedBy: row.started_by,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    channelId: row.channel_id,
    messageTs: row.message_ts,
  };
}

function toResult(row: Record<string, any>): CheckResultRecord {
  return {
    runId: Number(row.run_id),
    checkId: row.check_id,
    criterionId: row.criterion_id,
    status: row.status,
    observed: row.observed,
    expected: row.expected,
    message: row.message,
    evidence: row.evidence,
    durationMs: row.duration_ms,
    recordedAt: row.recorded_at,
  };
}

export type RunStore = ReturnType<typeof createRunStore>;
