import type { Pool, PoolClient } from '../db/pool.js';

/**
 * Serialises what reads a run and then writes from what it read: deciding
 * (finalize, a late attestation), redrawing its card, signing it off. Two
 * workers doing one of these at once would otherwise let the older picture win.
 * A transaction-scoped advisory lock on the state DB, so a crash releases it.
 */
export async function withRunLock<T>(pool: Pool, scope: 'decide' | 'card' | 'signoff', runId: number, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`golive:run-${scope}:${runId}`]);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
