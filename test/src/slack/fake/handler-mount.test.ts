import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackFake, type SlackFake } from '../../../../src/slack/fake/slack-fake.js';

const TOKEN = 'xoxb-mounted';

describe('Slack fake mounted in another HTTP server', () => {
  let fake: SlackFake;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    fake = createSlackFake({ signingSecret: 'unused', botToken: TOKEN });
    // The web process: the fake first, then its own routes.
    server = createServer((req, res) => {
      void fake.handler(req, res).then((handled) => {
        if (handled) return;
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(`web app: ${req.url}`);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('leaves other paths to the host server', async () => {
    const response = await fetch(`${base}/healthz`);
    expect(await response.text()).toBe('web app: /healthz');
    expect(await (await fetch(`${base}/slack-fakeish`)).text()).toBe('web app: /slack-fakeish');
  });

  it('answers its own paths, deriving upload URLs from the Host until told its base URL', async () => {
    const reserve = async () => {
      const response = await fetch(`${base}/slack-fake/api/files.getUploadURLExternal`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: `Bearer ${TOKEN}` },
        body: 'filename=a.txt&length=3',
      });
      return (await response.json()) as { ok: boolean; upload_url: string };
    };
    expect((await reserve()).upload_url.startsWith(`${base}/slack-fake/upload/F`)).toBe(true);
    fake.setBaseUrl('https://golive.example.test/');
    expect(fake.apiUrl).toBe('https://golive.example.test/slack-fake/api/');
    expect((await reserve()).upload_url.startsWith('https://golive.example.test/slack-fake/upload/F')).toBe(true);
    expect((await fetch(`${base}/slack-fake/nothing/here`)).status).toBe(404);
  });

  it('says how to fix a missing bot URL instead of failing obscurely', async () => {
    await expect(fake.sendCommand({ text: 'status', userId: 'U0ALICE' })).rejects.toThrow(/setBotUrl/);
  });
});
