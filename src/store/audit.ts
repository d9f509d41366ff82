import type { Pool, PoolClient } from '../db/pool.js';

export interface AuditEntry {
  actor: string;
  action: string;
  planId?: string;
  checkpointId?: string;
  runId?: number;
  details?: Record<string, unknown>;
}

export interface AuditRecord extends Required<Omit<AuditEntry, 'runId' | 'planId' | 'checkpointId'>> {
  id: number;
  at: Date;
  planId: string | null;
  checkpointId: string | null;
  runId: number | null;
}

type Queryable = Pool | PoolClient;

/** The append-only audit trail (the table refuses UPDATE/DELETE by trigger). */
export function createAuditStore(pool: Pool) {
  return {
    /** Pass a transaction's client to make the entry part of the same commit. */
    async append(entry: AuditEntry, db: Queryable = pool): Promise<void> {
      await db.query(
        `INSERT INTO audit_log (actor, action, plan_id, checkpoint_id, run_id, details) VALUES ($1, $2, $3, $4, $5, $6)`,
        [entry.actor, entry.action, entry.planId ?? null, entry.checkpointId ?? null, entry.runId ?? null, entry.details ?? {}],
      );
    },

    async latest(filter: { planId?: string; checkpointId?: string; limit?: number } = {}): Promise<AuditRecord[]> {
      const { rows } = await pool.query(
        `SELECT id, at, actor, action, plan_id, checkpoint_id, run_id, details FROM audit_log
          WHERE ($1::text IS NULL OR plan_id = $1) AND ($2::text IS NULL OR checkpoint_id = $2)
          ORDER BY id DESC LIMIT $3`,
        [filter.planId ?? null, filter.checkpointId ?? null, filter.limit ?? 20],
      );
      return rows.map(toRecord);
    },

    /** Oldest first, in pages, for export. */
    async *all(pageSize = 1000): AsyncGenerator<AuditRecord> {
      let after = 0;
      for (;;) {
        const { rows } = await pool.query(
          `SELECT id, at, actor, action, plan_id, checkpoint_id, run_id, details FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2`,
          [after, pageSize],
        );
        if (rows.length === 0) return;
        for (const row of rows) yield toRecord(row);
        after = Number(rows[rows.length - 1].id);
      }
    },
  };
}

function toRecord(row: Record<string, unknown>): AuditRecord {
  return {
    id: Number(row.id),
    at: row.at as Date,
    actor: row.actor as string,
    action: row.action as string,
    planId: (row.plan_id as string | null) ?? null,
    checkpointId: (row.checkpoint_id as string | null) ?? null,
    runId: row.run_id === null ? null : Number(row.run_id),
    details: (row.details as Record<string, unknown>) ?? {},
  };
}

export type AuditStore = ReturnType<typeof createAuditStore>;
