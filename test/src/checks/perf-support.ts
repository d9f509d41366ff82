import type { ExecutionContext } from '../../../src/checks/execute.js';
import { systemClock } from '../../../src/clock.js';
import { silentLogger } from '../../../src/logger.js';
import { fromRoot } from '../../../src/paths.js';
import { loadPlans } from '../../../src/plan/load.js';
import type { Check, Plan } from '../../../src/plan/schema.js';
import type { BaselineReader, BaselineRecord } from '../../../src/store/baselines.js';
import { memoryPins } from './support.js';

/**
 * Shared pieces of the performance check tests: the real demo plan (its
 * named queries, migration files and limits), a context on a test database,
 * and baselines kept in memory.
 */

export const PLAN_DIR = fromRoot('plans');

let demoPlan: Plan | undefined;
export function loadDemoPlan(): Plan {
  demoPlan ??= loadPlans([fromRoot('plans', 'demo.yaml')])[0]!.plan;
  return demoPlan;
}

export function memoryBaselines(): BaselineReader & { put(records: Omit<BaselineRecord, 'capturedAt'>[]): void } {
  const stored = new Map<string, BaselineRecord>();
  return {
    async get(planId, environment, queryId) {
      return stored.get(`${planId}/${environment}/${queryId}`);
    },
    put(records) {
      for (const r of records) stored.set(`${r.planId}/${r.environment}/${r.queryId}`, { ...r, capturedAt: new Date() });
    },
  };
}

export function perfContext(targetUrl: string, overrides: Partial<ExecutionContext> = {}): ExecutionContext {
  return {
    plan: loadDemoPlan(),
    planDir: PLAN_DIR,
    checkpointId: 'cp2',
    environment: 'staging',
    targetUrl,
    clock: systemClock,
    logger: silentLogger(),
    pins: memoryPins(),
    readVariable: () => undefined,
    ...overrides,
  };
}

export function perfCheck(id: string, type: string, params: Record<string, unknown>, expect?: unknown): Check {
  return { id, title: id, source: 'test', type, params, optional: false, ...(expect ? { expect } : {}) } as unknown as Check;
}
