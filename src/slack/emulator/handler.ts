import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fromRoot } from '../../paths.js';
import type { SlackFake } from '../fake/slack-fake.js';
import type { SlackFakeEvent } from '../fake/types.js';

/**
 * The local-mode Slack emulator: a page that shows the channel as the Slack
 * fake records it, and turns what the visitor does (type a command, click a
 * button, submit a modal) into the same signed requests Slack would send.
 * It adds no Slack behaviour of its own: everything goes through the fake.
 */
export function createEmulatorHandler(fake: SlackFake) {
  const asset = (name: string) => readFileSync(fromRoot('src', 'slack', 'emulator', 'public', name), 'utf8');

  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const method = req.method ?? 'GET';
    if (method === 'GET' && (url.pathname === '/' || url.pathname === '/index.html')) {
      return send(res, 200, 'text/html; charset=utf-8', asset('index.html'));
    }
    if (method === 'GET' && url.pathname === '/emulator/app.js') return send(res, 200, 'text/javascript; charset=utf-8', asset('app.js'));
    if (method === 'GET' && url.pathname === '/emulator/app.css') return send(res, 200, 'text/css; charset=utf-8', asset('app.css'));
    if (method === 'GET' && url.pathname === '/emulator/state') {
      return sendJson(res, 200, snapshot(fake, url.searchParams.get('user') ?? ''));
    }
    if (method === 'GET' && url.pathname === '/emulator/events') return streamEvents(fake, req, res);
    if (method === 'POST' && url.pathname === '/emulator/command') {
      const body = await readJson(req);
      const result = await fake.sendCommand({ userId: String(body.userId), text: String(body.text ?? '') });
      return sendJson(res, 200, { status: result.status });
    }
    if (method === 'POST' && url.pathname === '/emulator/click') {
      const body = await readJson(req);
      const result = await fake.sendBlockAction({
        userId: String(body.userId),
        message: { channel: String(body.channel), ts: String(body.ts) },
        actionId: String(body.actionId),
        blockId: body.blockId ? String(body.blockId) : undefined,
        value: body.value === undefined ? undefined : String(body.value),
      });
      return sendJson(res, 200, { status: result.status });
    }
    if (method === 'POST' && url.pathname === '/emulator/submit') {
      const body = await readJson(req);
      const result = await fake.submitView({
        userId: String(body.userId),
        viewId: String(body.viewId),
        values: (body.values ?? {}) as Record<string, Record<string, string>>,
      });
      return sendJson(res, 200, { status: result.status, open: result.view.open, errors: result.view.lastErrors ?? null });
    }
    return false;
  };
}

/** What the page renders for one visitor: the channel, their ephemerals, their open modal, the people to act as. */
function snapshot(fake: SlackFake, userId: string) {
  const views = fake.views.filter((v) => v.open && v.userId === userId);
  return {
    channel: fake.identity.channel,
    users: fake.identity.users,
    messages: fake.messages(fake.identity.channel.id).map((m) => ({ ts: m.ts, text: m.text, blocks: m.blocks ?? null, files: m.files.map((f) => ({ name: f.filename, title: f.title, url: f.downloadUrl })), updated: m.updated, channel: m.channel })),
    ephemerals: fake.ephemerals(userId).map((e) => ({ ts: e.ts, text: e.text, blocks: e.blocks ?? null, channel: e.channel })),
    view: views.length ? { id: views[views.length - 1]!.id, view: views[views.length - 1]!.view, errors: views[views.length - 1]!.lastErrors ?? null } : null,
  };
}

function streamEvents(fake: SlackFake, req: IncomingMessage, res: ServerResponse): boolean {
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
  res.write('retry: 1000\n\n');
  // The page re-reads its snapshot on each event; the event only says something changed.
  const unsubscribe = fake.subscribe((event: SlackFakeEvent) => {
    if (event.type === 'call' || event.type === 'bot_request') return;
    res.write(`data: ${JSON.stringify({ type: event.type })}\n\n`);
  });
  const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
  req.on('close', () => {
    clearInterval(keepAlive);
    unsubscribe();
  });
  return true;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

function send(res: ServerResponse, status: number, type: string, body: string): boolean {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
  res.end(body);
  return true;
}

function sendJson(res: ServerResponse, status: number, body: unknown): boolean {
  return send(res, status, 'application/json', JSON.stringify(body));
}
