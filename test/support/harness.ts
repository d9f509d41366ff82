import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { loadConfig } from '../../src/config.js';
import { createCore, type Core } from '../../src/app/core.js';
import { startWebApp, startWorkers } from '../../src/app/processes.js';
import type { WebApp, WebSlackSettings } from '../../src/app/web.js';
import type { WorkerRuntime } from '../../src/app/worker.js';
import { systemClock, type Clock } from '../../src/clock.js';
import { silentLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics.js';
import { createSlackFake, type SlackFake } from '../../src/slack/fake/slack-fake.js';
import { REDIS_URL } from './constants.js';
import { createTestStateDb, testQueuePrefix, type TestStateDb } from './state-db.js';

export const TEST_SIGNING_SECRET = 'test-signing-secret';
export const TEST_BOT_TOKEN = 'xoxb-test-golive';

export interface HarnessOptions {
  planFiles?: string[];
  rolesFile?: string;
  /** GOLIVE_ENV_<NAME>_URL values, by lower-case name. */
  environments?: Record<string, string>;
  clock?: Clock;
  worker?: boolean;
  env?: Record<string, string>;
  /** Slack user groups the fake serves (usergroups.users.list): group id -> user ids. */
  usergroups?: Record<string, string[]>;
}

/**
 * golive as it runs in production (Bolt web app + BullMQ workers, real
 * PostgreSQL and Redis), talking to the Slack fake. Each harness has its own
 * state DB and queue prefix.
 */
export interface Harness {
  core: Core;
  fake: SlackFake;
  stateDb: TestStateDb;
  web: WebApp;
  server: Server;
  botUrl: string;
  workers?: WorkerRuntime & { connectionClose(): void };
  startWorker(): WorkerRuntime & { connectionClose(): void };
  /** Send `/golive <text>` as `userId` and return the parsed ack. */
  command(text: string, userId?: string, extra?: Parameters<SlackFake['sendCommand']>[0] extends infer I ? Partial<I> : never): ReturnType<SlackFake['sendCommand']>;
  close(): Promise<void>;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const stateDb = await createTestStateDb('h');
  const prefix = testQueuePrefix('h');
  const fake = createSlackFake({ signingSecret: TEST_SIGNING_SECRET, botToken: TEST_BOT_TOKEN, clock: options.clock, usergroups: options.usergroups });
  await fake.listen(0, '127.0.0.1');
  const env: Record<string, string> = {
    DATABASE_URL: stateDb.url,
    REDIS_URL,
    SLACK_BOT_TOKEN: TEST_BOT_TOKEN,
    SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
    SLACK_API_URL: fake.apiUrl,
    GOLIVE_PLAN: (options.planFiles ?? ['plans/demo.yaml']).join(','),
    GOLIVE_ROLES: options.rolesFile ?? 'roles.example.yaml',
    GOLIVE_CHANNEL: fake.identity.channel.id,
    GOLIVE_QUEUE_PREFIX: prefix,
    LOG_LEVEL: 'silent',
    ...Object.fromEntries(Object.entries(options.environments ?? {}).map(([name, url]) => [`GOLIVE_ENV_${name.toUpperCase()}_URL`, url])),
    ...options.env,
  };
  const config = loadConfig(env);
  const slack: WebSlackSettings = { botToken: TEST_BOT_TOKEN, signingSecret: TEST_SIGNING_SECRET, apiUrl: fake.apiUrl };
  const core = await createCore({ config, logger: silentLogger(), clock: options.clock ?? systemClock, metrics: createMetrics({ process: 'web', defaultMetrics: false }), slack });
  const web = startWebApp(core, slack);
  const server = (await web.start(0, '127.0.0.1'))!;
  const botUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  fake.setBotUrl(botUrl);
  // The port is only known now; plan endpoints written as paths (/healthz) resolve against it.
  core.config.webUrl = botUrl.replace(/\/slack\/events$/, '');
  const startWorker = () => startWorkers(core, slack);
  const workers = options.worker === false ? undefined : startWorker();

  return {
    core,
    fake,
    stateDb,
    web,
    server,
    botUrl,
    workers,
    startWorker,
    command: (text, userId = 'U0DBA0001', extra = {}) => fake.sendCommand({ text, userId, ...extra }),
    async close() {
      await web.stop().catch(() => {});
      if (workers) {
        await workers.close();
        workers.connectionClose();
      }
      await core.close();
      await fake.close();
      await stateDb.drop();
      await deleteQueueKeys(prefix);
    },
  };
}

/** Remove every Redis key of a test's queue prefix. */
export async function deleteQueueKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
