import type { Pool } from '../db/pool.js';

export interface AttestationRecord {
  id: number;
  runId: number;
  checkId: string;
  role: string;
  userId: string;
  outcome: 'pass' | 'fail';
  note: string | null;
  attestedAt: Date;
}

/** Manual checks attested by a role holder, once per run and check (unique in the table). */
export function createAttestationStore(pool: Pool) {
  return {
    /** created false: someone attested this check of this run already; `attestation` is theirs. */
    async record(input: { runId: number; checkId: string; role: string; userId: string; outcome?: 'pass' | 'fail'; note?: string; now?: Date }): Promise<{ created: boolean; attestation: AttestationRecord }> {
      const inserted = await pool.query(
        `INSERT INTO attestations (run_id, check_id, role, user_id, outcome, note, attested_at)
         VALUES ($1, $2, $3, $4, $5, $6, coalesce($7, now()))
         ON CONFLICT (run_id, check_id) DO NOTHING
         RETURNING id, run_id, check_id, role, user_id, outcome, note, attested_at`,
        [input.runId, input.checkId, input.role, input.userId, input.outcome ?? 'pass', input.note ?? null, input.now ?? null],
      );
      if (inserted.rows[0]) return { created: true, attestation: toRecord(inserted.rows[0]) };
      const { rows } = await pool.query(
        `SELECT id, run_id, check_id, role, user_id, outcome, note, attested_at FROM attestations WHERE run_id = $1 AND check_id = $2`,
        [input.runId, input.checkId],
      );
      return { created: false, attestation: toRecord(rows[0]) };
    },

    async forRun(runId: number): Promise<AttestationRecord[]> {
      const { rows } = await pool.query(
        `SELECT id, run_id, check_id, role, user_id, outcome, note, attested_at FROM attestations WHERE run_id = $1 ORDER BY id`,
        [runId],
      );
      return rows.map(toRecord);
    },
  };
}

function toRecord(row: Record<string, any>): AttestationRecord {
  return {
    id: Number(row.id),
    runId: Number(row.run_id),
    checkId: row.check_id,
    role: row.role,
    userId: row.user_id,
    outcome: row.outcome,
    note: row.note,
    attestedAt: row.attested_at,
  };
}

export type AttestationStore = ReturnType<typeof createAttestationStore>;
