import type { Redis } from 'ioredis';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { migrateStateDb } from '../db/migrate.js';
import { createPool, type Pool } from '../db/pool.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { createQueues, type Queues } from '../queue/queues.js';
import { createRedis } from '../queue/connection.js';
import { createStore, type Store } from '../store/index.js';
import { loadPlanRegistry, type PlanRegistry } from '../plan-registry.js';
import { pinAutoManifests } from '../engine/pins.js';
import { createRoleResolver, type RoleResolver } from '../permissions.js';
import { createSlackClient } from '../slack/poster.js';
import type { WebClient } from '@slack/web-api';

/** What both processes share: state DB, queues, plans and roles. Built once per process. */
export interface Core {
  config: Config;
  logger: Logger;
  clock: Clock;
  metrics: Metrics;
  pool: Pool;
  store: Store;
  redis: Redis;
  queues: Queues;
  plans: PlanRegistry;
  /** Web API client of this process (Slack, or the local emulator). */
  slackClient: WebClient;
  roles: RoleResolver;
  close(): Promise<void>;
}

export async function createCore(options: {
  config: Config;
  logger: Logger;
  clock: Clock;
  metrics: Metrics;
  slack: { botToken: string; apiUrl: string };
}): Promise<Core> {
  const { config, logger, clock } = options;
  // Plans and roles first: a bad file stops the process before anything connects.
  const plans = await loadPlanRegistry({ planFiles: config.planFiles, rolesFile: config.rolesFile, environments: config.environments });
  await migrateStateDb(config.databaseUrl, logger);
  const pool = createPool(config.databaseUrl, { applicationName: 'golive', max: 20 });
  const store = createStore(pool);
  await plans.register(store, clock.now());
  await pinAutoManifests(plans, store.pins, logger);
  const redis = createRedis(config.redisUrl, 'producer');
  const queues = createQueues(redis, config.queuePrefix);
  const slackClient = createSlackClient({ token: options.slack.botToken, apiUrl: options.slack.apiUrl });
  return {
    config,
    logger,
    clock,
    metrics: options.metrics,
    slackClient,
    roles: createRoleResolver({ roles: plans.roles.roles, client: slackClient, clock }),
    pool,
    store,
    redis,
    queues,
    plans,
    async close() {
      await queues.close().catch((err) => logger.warn({ err }, 'closing queues'));
      redis.disconnect();
      await pool.end();
    },
  };
}
