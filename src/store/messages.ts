import type { Pool } from '../db/pool.js';

/**
 * Messages golive keeps updating. A job that is delivered again finds the
 * message it already posted and updates it instead of posting a second one.
 */
export function createMessageStore(pool: Pool) {
  return {
    async get(key: string): Promise<{ channelId: string; ts: string | null } | undefined> {
      const { rows } = await pool.query(`SELECT channel_id, ts FROM posted_messages WHERE key = $1`, [key]);
      return rows[0] && { channelId: rows[0].channel_id, ts: rows[0].ts };
    },
    async save(key: string, kind: string, channelId: string, ts: string): Promise<void> {
      await pool.query(
        `INSERT INTO posted_messages (key, kind, channel_id, ts) VALUES ($1, $2, $3, $4)
         ON CONFLICT (key) DO UPDATE SET channel_id = EXCLUDED.channel_id, ts = EXCLUDED.ts, updated_at = now()`,
        [key, kind, channelId, ts],
      );
    },
  };
}

export type MessageStore = ReturnType<typeof createMessageStore>;
