import type { Core } from '../src/app/core.js';
import { migrateEnvironment } from '../src/engine/migrate.js';
import type { SlackPoster } from '../src/slack/poster.js';
import type { JobHandler } from './types.js';

/** `/golive cp2 migrate` on the migrations queue (one at a time per worker). */
export function createMigrateStagingJob(deps: { core: Core; slack: SlackPoster }): JobHandler<'migrate-staging'> {
  const { core, slack } = deps;
  return async (payload, { logger }) =>
    migrateEnvironment({ plans: core.plans, store: core.store, pool: core.pool, slack, clock: core.clock, logger }, payload);
}
