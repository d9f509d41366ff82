import type { Pool } from '../db/pool.js';

export interface PlanRecord {
  id: string;
  digest: string;
  firstLoadedAt: Date;
  demoStartAt: Date | null;
}

/**
 * Plans seen by this installation. A plan with relative times (the demo plan)
 * gets its start recorded the first time any process loads it, so every process
 * computes the same schedule.
 */
export function createPlanStore(pool: Pool) {
  return {
    async register(plan: { id: string; title: string; file: string; digest: string; relativeTimes: boolean }, now: Date): Promise<PlanRecord> {
      const { rows } = await pool.query(
        `INSERT INTO plans (id, title, file, digest, first_loaded_at, last_loaded_at, demo_start_at)
         VALUES ($1, $2, $3, $4, $5, $5, CASE WHEN $6 THEN $5::timestamptz END)
         ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, file = EXCLUDED.file, digest = EXCLUDED.digest,
           last_loaded_at = EXCLUDED.last_loaded_at,
           demo_start_at = COALESCE(plans.demo_start_at, EXCLUDED.demo_start_at)
         RETURNING id, digest, first_loaded_at, demo_start_at`,
        [plan.id, plan.title, plan.file, plan.digest, now, plan.relativeTimes],
      );
      const row = rows[0];
      return { id: row.id, digest: row.digest, firstLoadedAt: row.first_loaded_at, demoStartAt: row.demo_start_at };
    },

    /** `npm run demo:reset`: a new start for relative plans. */
    async resetStart(planId: string, start: Date): Promise<void> {
      await pool.query(`UPDATE plans SET demo_start_at = $2 WHERE id = $1`, [planId, start]);
    },

    async get(planId: string): Promise<PlanRecord | undefined> {
      const { rows } = await pool.query(`SELECT id, digest, first_loaded_at, demo_start_at FROM plans WHERE id = $1`, [planId]);
      const row = rows[0];
      return row && { id: row.id, digest: row.digest, firstLoadedAt: row.first_loaded_at, demoStartAt: row.demo_start_at };
    },
  };
}

export type PlanStore = ReturnType<typeof createPlanStore>;
