import type { Pool } from '../db/pool.js';

/**
 * Where scheduled posts (briefings, alerts, the window's evaluation) go:
 * GOLIVE_CHANNEL, or else the channel of the plan's latest run (the team's
 * channel in local mode, where GOLIVE_CHANNEL is usually unset).
 */
export async function scheduledChannel(deps: { channel?: string | undefined; pool: Pool }, planId: string): Promise<string | undefined> {
  if (deps.channel) return deps.channel;
  const { rows } = await deps.pool.query(`SELECT channel_id FROM runs WHERE plan_id = $1 AND channel_id IS NOT NULL ORDER BY id DESC LIMIT 1`, [planId]);
  return (rows[0]?.channel_id as string | undefined) ?? undefined;
}
