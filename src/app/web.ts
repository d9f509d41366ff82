import type { Server } from 'node:http';
import { App, HTTPReceiver, type CustomRoute } from '@slack/bolt';
import type { Redis } from 'ioredis';
import type { Router } from '../../commands/router.js';
import { ephemeral, type CommandReply } from '../../commands/types.js';
import { isReadOnly } from '../../commands/parse.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { Store } from '../store/index.js';
import { withTimeout } from '../store/index.js';
import { boltLogger } from './bolt-logger.js';
import { checkHealth } from './health.js';

/** Slack allows 3 s; golive answers within this budget or says it is working on it. */
export const ACK_BUDGET_MS = 2_000;

export interface WebSlackSettings {
  botToken: string;
  signingSecret: string;
  apiUrl: string;
  /** Set for Socket Mode; otherwise HTTP mode on POST /slack/events. */
  appToken?: string;
}

export interface WebDeps {
  slack: WebSlackSettings;
  router: Router;
  store: Store;
  redis: Redis;
  metrics: Metrics;
  logger: Logger;
  clock: Clock;
  /** Extra HTTP routes, e.g. the Slack emulator in local mode. */
  extraRoutes?: CustomRoute[];
  /** Registers button and modal handlers (sign-offs, attestations, cutover). */
  interactions?: (app: App) => void;
}

export interface WebApp {
  app: App;
  start(port: number, host?: string): Promise<Server | undefined>;
  stop(): Promise<void>;
}

/** The one place that builds the Bolt app. */
export function createWebApp(deps: WebDeps): WebApp {
  const { logger, metrics } = deps;
  const routes: CustomRoute[] = [
    {
      path: '/healthz',
      method: 'GET',
      handler: async (_req, res) => {
        const report = await checkHealth({ pingStateDb: () => deps.store.ping(), redis: deps.redis });
        res.writeHead(report.status === 'ok' ? 200 : 503, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(report));
      },
    },
    {
      path: '/metrics',
      method: 'GET',
      handler: async (_req, res) => {
        res.writeHead(200, { 'Content-Type': metrics.registry.contentType });
        res.end(await metrics.registry.metrics());
      },
    },
    ...(deps.extraRoutes ?? []),
  ];

  const common = {
    token: deps.slack.botToken,
    // Known ids spare an auth.test round trip on every request.
    botId: 'BGOLIVE',
    botUserId: 'UGOLIVEBOT',
    logger: boltLogger(logger),
    clientOptions: { slackApiUrl: deps.slack.apiUrl, retryConfig: { retries: 2 } },
  };
  const receiver = deps.slack.appToken
    ? undefined
    : new HTTPReceiver({
        signingSecret: deps.slack.signingSecret,
        endpoints: ['/slack/events'],
        customRoutes: routes,
        logger: common.logger,
        // Unmatched paths get a 404 instead of a thrown error.
        dispatchErrorHandler: async ({ response }) => {
          response.writeHead(404);
          response.end();
        },
      });
  const app = receiver
    ? new App({ ...common, receiver })
    : new App({ ...common, socketMode: true, appToken: deps.slack.appToken, customRoutes: routes, installerOptions: { port: 0 } });

  app.command('/golive', async ({ command, ack, respond, context }) => {
    const started = performance.now();
    const log = logger.child({ trigger: command.trigger_id, user: command.user_id, channel: command.channel_id, retry: context.retryNum });

    // At-least-once delivery: a retry (same trigger_id) does nothing the second
    // time. Read-only commands may simply answer twice.
    const parsed = deps.router.parse(command.text ?? '');
    const readOnly = parsed.ok && isReadOnly(parsed.command);
    const fresh = readOnly || (await claim(deps.store, `command-${command.trigger_id}`, command.user_id, log));
    if (!fresh) {
      await ack();
      metrics.commands.inc({ command: 'duplicate', outcome: 'ignored' });
      log.info('duplicate delivery ignored');
      return;
    }

    const work = deps.router.handle({
      userId: command.user_id,
      channelId: command.channel_id,
      text: command.text ?? '',
      responseUrl: command.response_url,
      triggerId: command.trigger_id,
      logger: log,
    });
    const reply = await settleWithin(work, ACK_BUDGET_MS);
    if (reply) {
      await ack(reply);
    } else {
      await ack(ephemeral('Working on it…'));
      work.then((late) => respond(late)).catch((err) => log.error({ err }, 'late reply failed'));
    }
    metrics.ackSeconds.observe((performance.now() - started) / 1000);
    metrics.commands.inc({ command: firstWord(command.text), outcome: reply ? 'answered' : 'late' });
  });

  deps.interactions?.(app);

  app.error(async (err) => {
    logger.error({ err }, 'unhandled error in a Slack listener');
  });

  return {
    app,
    async start(port, host = '0.0.0.0') {
      const server = await app.start({ port, host } as never);
      return (server as Server | undefined) ?? undefined;
    },
    async stop() {
      await app.stop();
    },
  };
}

async function claim(store: Store, key: string, userId: string, log: Logger): Promise<boolean> {
  try {
    return await withTimeout(store.deliveries.claim(key, 'command', userId), 700, 'state DB did not answer');
  } catch (err) {
    // Without the state DB there is nothing to dedupe against; the handler will
    // say plainly that the state DB is down if it needs it.
    log.warn({ err }, 'could not record the delivery');
    return true;
  }
}

async function settleWithin(work: Promise<CommandReply>, ms: number): Promise<CommandReply | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

function firstWord(text: string | undefined): string {
  const word = (text ?? '').trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  return /^(help|ping|status|baseline|briefing|incident|audit|cp\d)$/.test(word) ? word : word === '' ? 'help' : 'other';
}
