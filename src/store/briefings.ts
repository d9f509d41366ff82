import type { Pool } from '../db/pool.js';

/**
 * The daily briefing's "exactly once" (`briefings`, primary key plan + day).
 * A worker claims the day before posting; a second worker (or a second
 * delivery of the tick) finds it claimed and posts nothing. The claimer's
 * own retry (its post failed) may post again until the post is recorded.
 */

export interface BriefingRecord {
  planId: string;
  day: string;
  checkpointId: string;
  title: string;
  scheduledFor: Date;
  claimedBy: string;
  claimedAt: Date;
  channelId: string;
  postedAt: Date | null;
  ts: string | null;
}

const COLUMNS = 'plan_id, day, checkpoint_id, title, scheduled_for, claimed_by, claimed_at, channel_id, posted_at, ts';

export function createBriefingStore(pool: Pool) {
  return {
    /**
     * Claim the day for `claimant` (the tick's job id). Returns the row when
     * this claimant holds it and it is not posted yet; undefined otherwise.
     */
    async claim(input: { planId: string; day: string; checkpointId: string; title: string; scheduledFor: Date; claimant: string; channelId: string; now: Date }): Promise<BriefingRecord | undefined> {
      const { rows } = await pool.query(
        `INSERT INTO briefings (plan_id, day, checkpoint_id, title, scheduled_for, claimed_by, claimed_at, channel_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (plan_id, day) DO UPDATE SET claimed_at = briefings.claimed_at
           WHERE briefings.claimed_by = EXCLUDED.claimed_by AND briefings.posted_at IS NULL
         RETURNING ${COLUMNS}`,
        [input.planId, input.day, input.checkpointId, input.title, input.scheduledFor, input.claimant, input.now, input.channelId],
      );
      return rows[0] ? toRecord(rows[0]) : undefined;
    },

    async posted(planId: string, day: string, ts: string, now: Date): Promise<void> {
      await pool.query(`UPDATE briefings SET posted_at = $3, ts = $4 WHERE plan_id = $1 AND day = $2`, [planId, day, now, ts]);
    },

    async get(planId: string, day: string): Promise<BriefingRecord | undefined> {
      const { rows } = await pool.query(`SELECT ${COLUMNS} FROM briefings WHERE plan_id = $1 AND day = $2`, [planId, day]);
      return rows[0] ? toRecord(rows[0]) : undefined;
    },

    async list(planId: string): Promise<BriefingRecord[]> {
      const { rows } = await pool.query(`SELECT ${COLUMNS} FROM briefings WHERE plan_id = $1 ORDER BY scheduled_for`, [planId]);
      return rows.map(toRecord);
    },
  };
}

function toRecord(row: Record<string, unknown>): BriefingRecord {
  return {
    planId: row.plan_id as string,
    day: row.day as string,
    checkpointId: row.checkpoint_id as string,
    title: row.title as string,
    scheduledFor: row.scheduled_for as Date,
    claimedBy: row.claimed_by as string,
    claimedAt: row.claimed_at as Date,
    channelId: row.channel_id as string,
    postedAt: (row.posted_at as Date | null) ?? null,
    ts: (row.ts as string | null) ?? null,
  };
}

export type BriefingStore = ReturnType<typeof createBriefingStore>;
