import { randomBytes } from 'node:crypto';
import type { CustomRoute } from '@slack/bolt';
import type { Config } from '../config.js';
import type { Core } from './core.js';
import { createWebApp, type WebApp, type WebSlackSettings } from './web.js';
import { createWorkers, type WorkerRuntime } from './worker.js';
import { createRedis } from '../queue/connection.js';
import { createSlackClient, createSlackPoster, type SlackPoster } from '../slack/poster.js';
import { createCommandHandlers } from '../../commands/index.js';
import { createCommandRouter } from '../../commands/router.js';
import { guardRouter } from '../../commands/guard.js';
import { createJobHandlers } from '../../jobs/index.js';
import { registerInteractions } from './interactions.js';
import { onWorkerStart as cutoverOnWorkerStart } from '../cutover/startup.js';
import { restoreSchedules } from '../stability/schedules.js';
import { registerStateMetrics } from '../observability/state-metrics.js';
import { createRunLauncher } from '../engine/flow.js';
import { startRunRecovery } from '../engine/recover-runs.js';
import { createAuditBatcher } from '../store/audit-batch.js';
import { startPeriodic } from './periodic.js';
import { noticeEndedFixWindows } from '../signoff/fix-deadline.js';
import { signoffDepsOf } from '../signoff/deps.js';

/** The token the built-in Slack emulator accepts in local mode (it guards nothing real). */
export const LOCAL_BOT_TOKEN = 'xoxb-local-golive';

/**
 * Slack settings for this process. Local mode has no workspace: the web process
 * serves a Slack emulator and every Web API call goes to it.
 */
export function slackSettings(config: Config, localBaseUrl: string): WebSlackSettings {
  switch (config.slack.mode) {
    case 'http':
      return { botToken: config.slack.botToken, signingSecret: config.slack.signingSecret, apiUrl: config.slack.apiUrl };
    case 'socket':
      return { botToken: config.slack.botToken, signingSecret: config.slack.signingSecret ?? '', apiUrl: config.slack.apiUrl, appToken: config.slack.appToken };
    case 'local':
      return { botToken: LOCAL_BOT_TOKEN, signingSecret: randomBytes(16).toString('hex'), apiUrl: `${localBaseUrl}/slack-fake/api/` };
  }
}

export function createPoster(core: Core, slack: Pick<WebSlackSettings, 'botToken' | 'apiUrl'>): SlackPoster {
  return createSlackPoster({
    client: createSlackClient({ token: slack.botToken, apiUrl: slack.apiUrl }),
    messages: core.store.messages,
    logger: core.logger,
  });
}

export function startWebApp(core: Core, slack: WebSlackSettings, extraRoutes: CustomRoute[] = []): WebApp {
  const poster = createPoster(core, slack);
  // /metrics also carries what the state DB records (decisions, sign-offs, checks, stability samples): web alone exports it, so each counts once.
  registerStateMetrics(core.metrics.registry, { pool: core.pool, plans: core.plans, clock: core.clock, logger: core.logger });
  // Every command is audited, and commands that change things checked against the plan's roles.
  const auditBatch = createAuditBatcher({ pool: core.pool, logger: core.logger });
  const router = guardRouter(
    createCommandRouter({
      catalog: () => core.plans.catalog(),
      handlers: createCommandHandlers({ core, slack: poster }),
    }),
    { ...core, auditBatch },
  );
  const web = createWebApp({
    slack,
    router,
    store: core.store,
    redis: core.redis,
    metrics: core.metrics,
    logger: core.logger,
    clock: core.clock,
    extraRoutes,
    interactions: (app) => registerInteractions(app, { core, slack: poster }),
  });
  return {
    ...web,
    async stop() {
      await web.stop();
      await auditBatch.close();
    },
  };
}

export function startWorkers(
  core: Core,
  slack: Pick<WebSlackSettings, 'botToken' | 'apiUrl'>,
  options: { locks?: { lockDurationMs?: number; stalledIntervalMs?: number }; runRecovery?: { intervalMs: number; minAgeMs: number } } = {},
): WorkerRuntime & { connectionClose(): void } {
  const connection = createRedis(core.config.redisUrl, 'worker');
  const poster = createPoster(core, slack);
  const runtime = createWorkers({
    connection,
    prefix: core.config.queuePrefix,
    handlers: createJobHandlers({ core, slack: poster }),
    logger: core.logger,
    metrics: core.metrics,
    concurrency: { control: core.config.workerConcurrency },
    locks: options.locks,
  });
  // Interrupted cutovers are found, and the pre-cutover slots re-created, by every worker that starts.
  cutoverOnWorkerStart(core, poster);
  // Stability samplers, briefings and the window's evaluation are re-created from the state DB (never throws).
  void restoreSchedules(core);
  // Runs whose flow Redis lost get their missing checks queued again (a timer: it must not depend on Redis keeping a scheduler).
  const launcher = createRunLauncher({ connection, prefix: core.config.queuePrefix });
  const recovery = startRunRecovery(
    { store: core.store, plans: core.plans, queues: core.queues, launcher, logger: core.logger.child({ component: 'run-recovery' }), metrics: core.metrics },
    options.runRecovery ?? { intervalMs: 60_000, minAgeMs: 60_000 },
  );
  // Fix windows (cp4: fix within 4 h, else roll back) that ended with no later decision are said in the channel, once.
  const signoffDeps = signoffDepsOf(core, poster);
  const fixWindows = startPeriodic('fix windows', { intervalMs: 60_000, logger: core.logger }, async () => {
    await noticeEndedFixWindows(signoffDeps);
  });
  return {
    ...runtime,
    async close() {
      await fixWindows.stop();
      await recovery.stop();
      await runtime.close();
      await launcher.close();
    },
    connectionClose: () => connection.disconnect(),
  };
}
