import type { Pool } from '../db/pool.js';

/** Digests of `sha256: auto` manifest files; the first pin of a file wins. */
export function createPinStore(pool: Pool) {
  return {
    async get(planId: string, fileId: string): Promise<string | undefined> {
      const { rows } = await pool.query(`SELECT sha256 FROM manifest_pins WHERE plan_id = $1 AND file_id = $2`, [planId, fileId]);
      return rows[0]?.sha256;
    },
    async pin(planId: string, fileId: string, sha256: string): Promise<string> {
      await pool.query(`INSERT INTO manifest_pins (plan_id, file_id, sha256) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [planId, fileId, sha256]);
      const { rows } = await pool.query(`SELECT sha256 FROM manifest_pins WHERE plan_id = $1 AND file_id = $2`, [planId, fileId]);
      return rows[0].sha256;
    },
  };
}

export type PinStore = ReturnType<typeof createPinStore>;
