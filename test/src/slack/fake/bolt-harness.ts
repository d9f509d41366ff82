import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, LogLevel, type Logger } from '@slack/bolt';
import { createSlackFake, type SlackFake } from '../../../../src/slack/fake/slack-fake.js';
import type { SlackFakeOptions } from '../../../../src/slack/fake/types.js';

export const SIGNING_SECRET = 'fake-signing-secret';
export const BOT_TOKEN = 'xoxb-fake-token';

/** Bolt talks a lot; tests keep what it says for debugging and keep the output clean. */
function quietLogger(lines: string[]): Logger {
  let level = LogLevel.INFO;
  const keep = (prefix: string) => (...msg: unknown[]) => void lines.push(`${prefix} ${msg.map(String).join(' ')}`);
  return {
    debug: () => {},
    info: keep('info'),
    warn: keep('warn'),
    error: keep('error'),
    setLevel: (l) => void (level = l),
    getLevel: () => level,
    setName: () => {},
  };
}

export interface BoltWithFake {
  fake: SlackFake;
  app: App;
  /** Errors Bolt's global error handler saw (a listener that threw). */
  errors: unknown[];
  logs: string[];
  close(): Promise<void>;
}

/** A real Bolt 5 app on an HTTPReceiver, wired to a listening Slack fake both ways. */
export async function startBoltWithFake(
  register: (app: App) => void,
  fakeOptions: Partial<SlackFakeOptions> = {},
): Promise<BoltWithFake> {
  const fake = createSlackFake({ signingSecret: SIGNING_SECRET, botToken: BOT_TOKEN, ...fakeOptions });
  await fake.listen();
  const logs: string[] = [];
  const app = new App({
    signingSecret: SIGNING_SECRET,
    token: BOT_TOKEN,
    botId: fake.identity.botId,
    botUserId: fake.identity.botUserId,
    logger: quietLogger(logs),
    clientOptions: { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } },
  });
  const errors: unknown[] = [];
  app.error(async (error) => {
    errors.push(error);
  });
  register(app);
  const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
  const { port } = server.address() as AddressInfo;
  fake.setBotUrl(`http://127.0.0.1:${port}/slack/events`);
  return {
    fake,
    app,
    errors,
    logs,
    async close() {
      await app.stop();
      await fake.close();
    },
  };
}
