import type { Pool } from '../db/pool.js';
import { createAttestationStore } from './attestations.js';
import { createAuditStore } from './audit.js';
import { createBaselineStore } from './baselines.js';
import { createDeliveryStore } from './deliveries.js';
import { createGateStore } from './gates.js';
import { createMessageStore } from './messages.js';
import { createMitigationStore } from './mitigations.js';
import { createPinStore } from './pins.js';
import { createPlanStore } from './plans.js';
import { createRunStore } from './runs.js';
import { createSignoffStore } from './signoffs.js';

/** golive's state DB, one small store per aggregate. */
export function createStore(pool: Pool) {
  return {
    pool,
    attestations: createAttestationStore(pool),
    audit: createAuditStore(pool),
    baselines: createBaselineStore(pool),
    deliveries: createDeliveryStore(pool),
    gates: createGateStore(pool),
    messages: createMessageStore(pool),
    mitigations: createMitigationStore(pool),
    pins: createPinStore(pool),
    plans: createPlanStore(pool),
    runs: createRunStore(pool),
    signoffs: createSignoffStore(pool),
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
