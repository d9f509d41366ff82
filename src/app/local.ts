import type { CustomRoute } from '@slack/bolt';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Core } from './core.js';
import type { WebSlackSettings } from './web.js';
import { createSlackFake, type SlackFake } from '../slack/fake/slack-fake.js';
import { createEmulatorHandler } from '../slack/emulator/handler.js';

/**
 * Local mode: the Slack fake the integration tests use, mounted on the web
 * process, so golive can be tried without a workspace. It signs what it sends
 * with the same secret the web process verifies.
 */
export function createLocalEmulator(slack: WebSlackSettings, baseUrl: string, core: Core): SlackFake {
  return createSlackFake({
    signingSecret: slack.signingSecret,
    botToken: slack.botToken,
    botUrl: `${baseUrl}/slack/events`,
    baseUrl,
    users: core.plans.people(),
    usergroups: core.plans.usergroupMembers(),
    clock: core.clock,
  });
}

export function localEmulatorRoutes(slack: WebSlackSettings, baseUrl: string, core: Core): CustomRoute[] {
  const fake = createLocalEmulator(slack, baseUrl, core);
  const page = createEmulatorHandler(fake);
  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    if ((await fake.handler(req, res)) || (await page(req, res))) return;
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('not found');
  };
  return [
    { path: '/slack-fake/*rest', method: ['GET', 'POST'], handler },
    { path: '/emulator/*rest', method: ['GET', 'POST'], handler },
    { path: '/', method: 'GET', handler },
  ];
}
