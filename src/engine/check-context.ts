import path from 'node:path';
import type { ExecutionContext } from '../checks/execute.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { PlanRegistry } from '../plan-registry.js';
import type { Plan } from '../plan/schema.js';
import { createStepRunner } from '../step-runner/index.js';
import type { Store } from '../store/index.js';
import { createStabilityReader } from '../stability/reader.js';

export interface CheckEnvironmentDeps {
  plans: PlanRegistry;
  store: Store;
  config: Pick<Config, 'webUrl' | 'readVariable'>;
  clock: Clock;
  logger: Logger;
}

/** What a check module needs from golive, for one plan, checkpoint and environment. */
export function checkContextFor(deps: CheckEnvironmentDeps, plan: Plan, checkpointId: string, environment: string): ExecutionContext {
  const loaded = deps.plans.loaded(plan.id);
  return {
    plan,
    planDir: path.dirname(path.resolve(loaded?.file ?? '.')),
    checkpointId,
    environment,
    targetUrl: deps.plans.envUrl(plan.id, environment, 'read'),
    ownerUrl: deps.plans.envUrl(plan.id, environment, 'owner'),
    environmentUrl: (other) => (plan.environments[other] ? deps.plans.envUrl(plan.id, other, 'read') : undefined),
    clock: deps.clock,
    logger: deps.logger,
    pins: deps.store.pins,
    readVariable: (name) => deps.config.readVariable?.(name),
    // Endpoint URLs written as paths (/healthz) are golive's own web server.
    selfBaseUrl: deps.config.webUrl,
    baselines: deps.store.baselines,
    stepRunner: createStepRunner({ statePool: deps.store.pool, logger: deps.logger, clock: deps.clock }),
    history: {
      latestDecided: (planId, checkpointId) => deps.store.runs.latestDecided(planId, checkpointId),
      results: (runId) => deps.store.runs.results(runId),
      attestations: (runId) => deps.store.attestations.forRun(runId),
    },
    stability: createStabilityReader({ pool: deps.store.pool, samples: deps.store.samples, incidents: deps.store.incidents, momentContext: (id) => deps.plans.momentContext(id) }),
  };
}
