import type { Pool } from '../db/pool.js';

/**
 * The schedules a worker re-creates in BullMQ on start (`stability_schedules`):
 * repeating ticks (job schedulers: `every` or a cron `pattern` with its time
 * zone) and one-off jobs (the window's evaluation at its end). Redis holds the
 * live copy; this table is the record, so a Redis flush loses none.
 */

export interface ScheduleRecord {
  id: string;
  planId: string;
  checkpointId: string;
  environment: string | null;
  jobName: string;
  everyMs: number | null;
  pattern: string | null;
  tz: string | null;
  startsAt: Date | null;
  endsAt: Date;
  data: Record<string, unknown>;
  doneAt: Date | null;
}

export type ScheduleInput = Omit<ScheduleRecord, 'doneAt'>;

const COLUMNS = 'id, plan_id, checkpoint_id, environment, job_name, every_ms, pattern, tz, starts_at, ends_at, data, done_at';

export function createScheduleStore(pool: Pool) {
  return {
    /**
     * Make the plan's rows exactly `rows`: insert or update each (a changed
     * plan or a new demo start moves its times), delete the plan's rows that
     * are no longer derived. `done_at` of a one-off job survives an update.
     */
    async syncPlan(planId: string, rows: ScheduleInput[]): Promise<void> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        // Two workers starting together sync one after the other.
        await client.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`golive:schedules:${planId}`]);
        for (const r of rows) {
          await client.query(
            `INSERT INTO stability_schedules (id, plan_id, checkpoint_id, environment, job_name, every_ms, pattern, tz, starts_at, ends_at, data, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, now())
             ON CONFLICT (id) DO UPDATE SET plan_id = EXCLUDED.plan_id, checkpoint_id = EXCLUDED.checkpoint_id,
               environment = EXCLUDED.environment, job_name = EXCLUDED.job_name, every_ms = EXCLUDED.every_ms,
               pattern = EXCLUDED.pattern, tz = EXCLUDED.tz, starts_at = EXCLUDED.starts_at,
               -- A one-off job moved to a new time runs again.
               done_at = CASE WHEN stability_schedules.ends_at IS DISTINCT FROM EXCLUDED.ends_at THEN NULL ELSE stability_schedules.done_at END,
               ends_at = EXCLUDED.ends_at, data = EXCLUDED.data, updated_at = now()`,
            [r.id, r.planId, r.checkpointId, r.environment, r.jobName, r.everyMs, r.pattern, r.tz, r.startsAt, r.endsAt, JSON.stringify(r.data)],
          );
        }
        await client.query(`DELETE FROM stability_schedules WHERE plan_id = $1 AND NOT (id = ANY($2::text[]))`, [planId, rows.map((r) => r.id)]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },

    async forPlans(planIds: string[]): Promise<ScheduleRecord[]> {
      const { rows } = await pool.query(`SELECT ${COLUMNS} FROM stability_schedules WHERE plan_id = ANY($1::text[]) ORDER BY id`, [planIds]);
      return rows.map(toRecord);
    },

    async get(id: string): Promise<ScheduleRecord | undefined> {
      const { rows } = await pool.query(`SELECT ${COLUMNS} FROM stability_schedules WHERE id = $1`, [id]);
      return rows[0] ? toRecord(rows[0]) : undefined;
    },

    /** Mark a one-off job as run; true for the first caller only. */
    async markDone(id: string, now: Date): Promise<boolean> {
      const { rowCount } = await pool.query(`UPDATE stability_schedules SET done_at = $2 WHERE id = $1 AND done_at IS NULL`, [id, now]);
      return (rowCount ?? 0) > 0;
    },
  };
}

function toRecord(row: Record<string, unknown>): ScheduleRecord {
  return {
    id: row.id as string,
    planId: row.plan_id as string,
    checkpointId: row.checkpoint_id as string,
    environment: (row.environment as string | null) ?? null,
    jobName: row.job_name as string,
    everyMs: row.every_ms === null ? null : Number(row.every_ms),
    pattern: (row.pattern as string | null) ?? null,
    tz: (row.tz as string | null) ?? null,
    startsAt: (row.starts_at as Date | null) ?? null,
    endsAt: row.ends_at as Date,
    data: (row.data as Record<string, unknown>) ?? {},
    doneAt: (row.done_at as Date | null) ?? null,
  };
}

export type ScheduleStore = ReturnType<typeof createScheduleStore>;
