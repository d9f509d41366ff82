import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock } from '../../clock.js';
import { GoliveError } from '../../errors.js';
import { clickButton, sendBlockAction, type ClickButtonInput, type InteractionResult, type SendBlockActionInput } from './driver-actions.js';
import { sendCommand, type CommandResult, type SendCommandInput } from './driver-command.js';
import type { DriverDeps } from './driver-common.js';
import { submitView, type SubmitViewInput, type SubmitViewResult } from './driver-views.js';
import { resolveIdentity, type FakeIdentity } from './identity.js';
import { createFakeHandler, type FakeRequestHandler } from './routes.js';
import { createFakeState } from './state.js';
import type {
  FakeEphemeral,
  FakeFile,
  FakeMessage,
  FakeView,
  RecordedCall,
  ResponseUrlPost,
  SlackFakeListener,
  SlackFakeOptions,
} from './types.js';
import { waitFor, type WaitForOptions } from './wait-for.js';

// One import for users of the fake: its options, records and driver inputs.
export type * from './types.js';
export type { Tamper, BotAnswer } from './bot-request.js';
export type { SendCommandInput, CommandResult } from './driver-command.js';
export type { SendBlockActionInput, ClickButtonInput, InteractionResult } from './driver-actions.js';
export type { SubmitViewInput, SubmitViewResult, SubmittedValue } from './driver-views.js';
export type { WaitForOptions } from './wait-for.js';
export type { FakeIdentity } from './identity.js';
export type { FakeRequestHandler } from './routes.js';
export { signSlackRequest } from './sign.js';

export interface SlackFake {
  /** The workspace, channel, users and bot ids the fake pretends to be. */
  readonly identity: FakeIdentity;
  /** Every Web API call, in order (args parsed, JSON fields decoded). */
  readonly calls: RecordedCall[];
  /** Channel messages still present, oldest first. */
  messages(channelId?: string): FakeMessage[];
  ephemerals(userId?: string): FakeEphemeral[];
  /** Every post to a response_url, refused ones included. */
  readonly responses: ResponseUrlPost[];
  /** Modals opened, in order; `open` says whether each is still shown. */
  readonly views: FakeView[];
  readonly files: FakeFile[];
  subscribe(listener: SlackFakeListener): () => void;
  reset(): void;

  sendCommand(input: SendCommandInput): Promise<CommandResult>;
  sendBlockAction(input: SendBlockActionInput): Promise<InteractionResult>;
  clickButton(input: ClickButtonInput): Promise<InteractionResult>;
  submitView(input: SubmitViewInput): Promise<SubmitViewResult>;
  waitFor<T>(predicate: () => T | Promise<T>, options?: WaitForOptions): Promise<Exclude<T, false | 0 | '' | null | undefined>>;

  /** Answers `/slack-fake/*` and returns true; returns false for any other path. */
  handler: FakeRequestHandler;
  /** Starts a standalone server and resolves with its base URL. */
  listen(port?: number, host?: string): Promise<string>;
  /** `http://host:port` where the fake is reachable (no trailing slash). */
  readonly baseUrl: string;
  /** The Web API root for `slackApiUrl` / SLACK_API_URL; ends with a slash. */
  readonly apiUrl: string;
  setBotUrl(url: string): void;
  setBaseUrl(url: string): void;
  close(): Promise<void>;
}

export function createSlackFake(options: SlackFakeOptions): SlackFake {
  const state = createFakeState(options.clock ?? systemClock);
  const identity = resolveIdentity(options);
  let botUrl = options.botUrl;
  let baseUrl = options.baseUrl?.replace(/\/+$/, '');
  let server: Server | undefined;

  const requireBaseUrl = (): string => {
    if (baseUrl) return baseUrl;
    throw new GoliveError('slack_fake_no_base_url', 'The Slack fake does not know its URL yet: call fake.listen() or fake.setBaseUrl(url) first.');
  };
  const driver: DriverDeps = {
    state,
    identity,
    signingSecret: options.signingSecret,
    signatureClock: options.signatureClock ?? systemClock,
    botUrl: () => {
      if (botUrl) return botUrl;
      throw new GoliveError('slack_fake_no_bot_url', "The Slack fake has no bot to talk to: pass botUrl (the bot's POST /slack/events URL) or call fake.setBotUrl(url).");
    },
    baseUrl: requireBaseUrl,
  };
  const handler = createFakeHandler({ state, identity, botToken: options.botToken, baseUrl: () => baseUrl });

  return {
    identity,
    calls: state.calls,
    messages: (channelId) => state.messages.filter((m) => channelId === undefined || m.channel === channelId),
    ephemerals: (userId) => state.ephemerals.filter((e) => userId === undefined || e.user === userId),
    responses: state.responses,
    get views() {
      return [...state.views.values()];
    },
    get files() {
      return [...state.files.values()];
    },
    subscribe: (listener) => state.subscribe(listener),
    reset: () => state.reset(),

    sendCommand: (input) => sendCommand(driver, input),
    sendBlockAction: (input) => sendBlockAction(driver, input),
    clickButton: (input) => clickButton(driver, input),
    submitView: (input) => submitView(driver, input),
    waitFor: (predicate, waitOptions) => waitFor(state, predicate, waitOptions),

    handler,
    async listen(port = 0, host = '127.0.0.1') {
      if (server) throw new GoliveError('slack_fake_already_listening', `The Slack fake already listens at ${baseUrl}; close() it first.`);
      const started = createServer((req, res) => {
        void handler(req, res).then((handled) => {
          if (!handled) {
            res.writeHead(404, { 'content-type': 'text/plain' });
            res.end('not a Slack fake path (they start with /slack-fake/)');
          }
        });
      });
      await new Promise<void>((resolve, reject) => {
        started.once('error', reject);
        started.listen(port, host, () => resolve());
      });
      server = started;
      const address = started.address() as AddressInfo;
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      baseUrl = `http://${shownHost}:${address.port}`;
      return baseUrl;
    },
    get baseUrl() {
      return requireBaseUrl();
    },
    get apiUrl() {
      return `${requireBaseUrl()}/slack-fake/api/`;
    },
    setBotUrl(url) {
      botUrl = url;
    },
    setBaseUrl(url) {
      baseUrl = url.replace(/\/+$/, '');
    },
    async close() {
      const running = server;
      if (!running) return;
      server = undefined;
      // Keep-alive sockets from the bot's fetch would hold close() open otherwise.
      running.closeAllConnections();
      await new Promise<void>((resolve) => running.close(() => resolve()));
    },
  };
}
