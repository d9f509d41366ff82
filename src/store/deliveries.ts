import type { Pool } from '../db/pool.js';

/**
 * Slack delivers at least once (retries, double clicks). The first delivery of
 * a key claims it; later ones find it taken. Enforced by the primary key.
 */
export function createDeliveryStore(pool: Pool) {
  return {
    async claim(key: string, kind: string, userId?: string): Promise<boolean> {
      const result = await pool.query(
        `INSERT INTO slack_deliveries (key, kind, user_id) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING`,
        [key, kind, userId ?? null],
      );
      return result.rowCount === 1;
    },
  };
}

export type DeliveryStore = ReturnType<typeof createDeliveryStore>;
