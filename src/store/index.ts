import type { Pool } from '../db/pool.js';
import { createAlertStore } from './alerts.js';
import { createAttestationStore } from './attestations.js';
import { createAuditStore } from './audit.js';
import { createBaselineStore } from './baselines.js';
import { createBriefingStore } from './briefings.js';
import { createCutoverStore } from './cutovers.js';
import { createDeliveryStore } from './deliveries.js';
import { createGateStore } from './gates.js';
import { createIncidentStore } from './incidents.js';
import { createMessageStore } from './messages.js';
import { createMitigationStore } from './mitigations.js';
import { createPinStore } from './pins.js';
import { createPlanStore } from './plans.js';
import { createReportStore } from './reports.js';
import { createRunStore } from './runs.js';
import { createSampleStore } from './samples.js';
import { createScheduleStore } from './schedules.js';
import { createSignoffStore } from './signoffs.js';

/** golive's state DB, one small store per aggregate. */
export function createStore(pool: Pool) {
  return {
    pool,
    alerts: createAlertStore(pool),
    attestations: createAttestationStore(pool),
    audit: createAuditStore(pool),
    baselines: createBaselineStore(pool),
    briefings: createBriefingStore(pool),
    cutovers: createCutoverStore(pool),
    deliveries: createDeliveryStore(pool),
    gates: createGateStore(pool),
    incidents: createIncidentStore(pool),
    messages: createMessageStore(pool),
    mitigations: createMitigationStore(pool),
    pins: createPinStore(pool),
    plans: createPlanStore(pool),
    reports: createReportStore(pool),
    runs: createRunStore(pool),
    samples: createSampleStore(pool),
    schedules: createScheduleStore(pool),
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
