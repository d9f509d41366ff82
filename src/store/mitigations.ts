import type { Pool, PoolClient } from '../db/pool.js';

export interface MitigationRecord {
  runId: number;
  criterionId: string;
  owner: string;
  mitigation: string;
  retestDeadline: Date | null;
  recordedBy: string;
  recordedAt: Date;
}

type Queryable = Pool | PoolClient;

/**
 * CONDITIONAL outcomes: an owner and a mitigation per failed criterion, and
 * the re-test deadline. Submitting the modal again replaces a criterion's
 * entry (the audit log keeps every submission).
 */
export function createMitigationStore(pool: Pool) {
  return {
    async forRun(runId: number, db: Queryable = pool): Promise<MitigationRecord[]> {
      const { rows } = await db.query(
        `SELECT run_id, criterion_id, owner, mitigation, retest_deadline, recorded_by, recorded_at
           FROM mitigations WHERE run_id = $1 ORDER BY criterion_id`,
        [runId],
      );
      return rows.map(toMitigation);
    },

    async record(
      input: { runId: number; items: { criterionId: string; owner: string; mitigation: string }[]; retestDeadline: Date | null; by: string; at: Date },
      db: Queryable = pool,
    ): Promise<void> {
      for (const item of input.items) {
        await db.query(
          `INSERT INTO mitigations (run_id, criterion_id, owner, mitigation, retest_deadline, recorded_by, recorded_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (run_id, criterion_id) DO UPDATE SET owner = EXCLUDED.owner, mitigation = EXCLUDED.mitigation,
             retest_deadline = EXCLUDED.retest_deadline, recorded_by = EXCLUDED.recorded_by, recorded_at = EXCLUDED.recorded_at`,
          [input.runId, item.criterionId, item.owner, item.mitigation, input.retestDeadline, input.by, input.at],
        );
      }
    },
  };
}

function toMitigation(row: Record<string, any>): MitigationRecord {
  return {
    runId: Number(row.run_id),
    criterionId: row.criterion_id,
    owner: row.owner,
    mitigation: row.mitigation,
    retestDeadline: row.retest_deadline,
    recordedBy: row.recorded_by,
    recordedAt: row.recorded_at,
  };
}

export type MitigationStore = ReturnType<typeof createMitigationStore>;
