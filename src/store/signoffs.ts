import type { Pool, PoolClient } from '../db/pool.js';

export interface SignoffRecord {
  id: number;
  planId: string;
  checkpointId: string;
  runId: number;
  role: string;
  userId: string;
  evidenceDigest: string;
  signedAt: Date;
  withdrawnAt: Date | null;
  withdrawnBy: string | null;
}

type Queryable = Pool | PoolClient;

const COLUMNS = `id, plan_id, checkpoint_id, run_id, role, user_id, evidence_digest, signed_at, withdrawn_at, withdrawn_by`;

/** PostgreSQL's unique_violation: the partial index allows one live sign-off per run and role. */
export const UNIQUE_VIOLATION = '23505';

/**
 * Sign-offs by role. The rules (who may sign, four eyes) live in
 * src/signoff/service.ts; this store only reads and writes rows, on the pool or
 * on a transaction's client.
 */
export function createSignoffStore(pool: Pool) {
  return {
    /** Live sign-offs (not withdrawn) of a run, oldest first. */
    async liveForRun(runId: number, db: Queryable = pool): Promise<SignoffRecord[]> {
      const { rows } = await db.query(`SELECT ${COLUMNS} FROM signoffs WHERE run_id = $1 AND withdrawn_at IS NULL ORDER BY signed_at, id`, [runId]);
      return rows.map(toSignoff);
    },

    /** Live sign-offs of a checkpoint given on runs other than `exceptRunId` (shown as stale). */
    async liveOnOtherRuns(planId: string, checkpointId: string, exceptRunId: number): Promise<SignoffRecord[]> {
      const { rows } = await pool.query(
        `SELECT ${COLUMNS} FROM signoffs
          WHERE plan_id = $1 AND checkpoint_id = $2 AND run_id <> $3 AND withdrawn_at IS NULL
          ORDER BY run_id DESC, signed_at`,
        [planId, checkpointId, exceptRunId],
      );
      return rows.map(toSignoff);
    },

    async get(id: number, db: Queryable = pool): Promise<SignoffRecord | undefined> {
      const { rows } = await db.query(`SELECT ${COLUMNS} FROM signoffs WHERE id = $1`, [id]);
      return rows[0] && toSignoff(rows[0]);
    },

    /**
     * Record a sign-off. Returns undefined when the role already has a live
     * sign-off on this run (the unique index decided, whatever raced).
     */
    async insert(
      input: { planId: string; checkpointId: string; runId: number; role: string; userId: string; evidenceDigest: string; at: Date },
      db: Queryable = pool,
    ): Promise<SignoffRecord | undefined> {
      try {
        const { rows } = await db.query(
          `INSERT INTO signoffs (plan_id, checkpoint_id, run_id, role, user_id, evidence_digest, signed_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
          [input.planId, input.checkpointId, input.runId, input.role, input.userId, input.evidenceDigest, input.at],
        );
        return toSignoff(rows[0]);
      } catch (err) {
        if ((err as { code?: string }).code === UNIQUE_VIOLATION) return undefined;
        throw err;
      }
    },

    /** Withdraw a live sign-off; undefined when it was already withdrawn. */
    async withdraw(id: number, by: string, at: Date, db: Queryable = pool): Promise<SignoffRecord | undefined> {
      const { rows } = await db.query(
        `UPDATE signoffs SET withdrawn_at = $3, withdrawn_by = $2 WHERE id = $1 AND withdrawn_at IS NULL RETURNING ${COLUMNS}`,
        [id, by, at],
      );
      return rows[0] && toSignoff(rows[0]);
    },
  };
}

function toSignoff(row: Record<string, any>): SignoffRecord {
  return {
    id: Number(row.id),
    planId: row.plan_id,
    checkpointId: row.checkpoint_id,
    runId: Number(row.run_id),
    role: row.role,
    userId: row.user_id,
    evidenceDigest: row.evidence_digest,
    signedAt: row.signed_at,
    withdrawnAt: row.withdrawn_at,
    withdrawnBy: row.withdrawn_by,
  };
}

export type SignoffStore = ReturnType<typeof createSignoffStore>;
