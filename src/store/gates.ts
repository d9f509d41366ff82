import type { Pool } from '../db/pool.js';

export interface GateOpening {
  planId: string;
  checkpointId: string;
  runId: number;
  evidenceDigest: string;
  nextCheckpointId: string | null;
  nextAt: Date | null;
  openedBy: string;
  openedAt: Date;
  channelId: string | null;
  messageTs: string | null;
}

const COLUMNS = `plan_id, checkpoint_id, run_id, evidence_digest, next_checkpoint_id, next_at, opened_by, opened_at, channel_id, message_ts`;

/**
 * When a checkpoint's gate opened. The primary key (plan, checkpoint) makes
 * the announcement happen once, however many clicks or processes race to it.
 */
export function createGateStore(pool: Pool) {
  return {
    /** Claim the opening; undefined when it was already claimed. */
    async claim(input: Omit<GateOpening, 'channelId' | 'messageTs'>): Promise<GateOpening | undefined> {
      const { rows } = await pool.query(
        `INSERT INTO gate_openings (plan_id, checkpoint_id, run_id, evidence_digest, next_checkpoint_id, next_at, opened_by, opened_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (plan_id, checkpoint_id) DO NOTHING RETURNING ${COLUMNS}`,
        [input.planId, input.checkpointId, input.runId, input.evidenceDigest, input.nextCheckpointId, input.nextAt, input.openedBy, input.openedAt],
      );
      return rows[0] && toOpening(rows[0]);
    },

    /** The announcement could not be posted: give the claim back so the next change retries. */
    async release(planId: string, checkpointId: string): Promise<void> {
      await pool.query(`DELETE FROM gate_openings WHERE plan_id = $1 AND checkpoint_id = $2 AND message_ts IS NULL`, [planId, checkpointId]);
    },

    async setMessage(planId: string, checkpointId: string, channelId: string, ts: string): Promise<void> {
      await pool.query(`UPDATE gate_openings SET channel_id = $3, message_ts = $4 WHERE plan_id = $1 AND checkpoint_id = $2`, [planId, checkpointId, channelId, ts]);
    },

    async get(planId: string, checkpointId: string): Promise<GateOpening | undefined> {
      const { rows } = await pool.query(`SELECT ${COLUMNS} FROM gate_openings WHERE plan_id = $1 AND checkpoint_id = $2`, [planId, checkpointId]);
      return rows[0] && toOpening(rows[0]);
    },

    async forPlan(planId: string): Promise<GateOpening[]> {
      const { rows } = await pool.query(`SELECT ${COLUMNS} FROM gate_openings WHERE plan_id = $1 ORDER BY opened_at`, [planId]);
      return rows.map(toOpening);
    },
  };
}

function toOpening(row: Record<string, any>): GateOpening {
  return {
    planId: row.plan_id,
    checkpointId: row.checkpoint_id,
    runId: Number(row.run_id),
    evidenceDigest: row.evidence_digest,
    nextCheckpointId: row.next_checkpoint_id,
    nextAt: row.next_at,
    openedBy: row.opened_by,
    openedAt: row.opened_at,
    channelId: row.channel_id,
    messageTs: row.message_ts,
  };
}

export type GateStore = ReturnType<typeof createGateStore>;
