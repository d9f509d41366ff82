import type { Pool } from '../db/pool.js';
import { createAuditStore } from './audit.js';
import { createDeliveryStore } from './deliveries.js';
import { createMessageStore } from './messages.js';
import { createPlanStore } from './plans.js';
import { createRunStore } from './runs.js';

/** golive's state DB, one small store per aggregate. */
export function createStore(pool: Pool) {
  return {
    pool,
    audit: createAuditStore(pool),
    deliveries: createDeliveryStore(pool),
    messages: createMessageStore(pool),
    plans: createPlanStore(pool),
    runs: createRunStore(pool),
    /** Cheap liveness probe for /healthz and for commands that need the DB. */
    async ping(timeoutMs = 1000): Promise<void> {
      await withTimeout(pool.query('SELECT 1'), timeoutMs, 'state DB did not answer');
    },
  };
}

export type Store = ReturnType<typeof createStore>;

export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${message} within ${ms} ms`)), ms);
    }),
  ]);
}
