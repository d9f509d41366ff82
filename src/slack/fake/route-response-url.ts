import type { IncomingMessage, ServerResponse } from 'node:http';
import { readMessageContent } from './content.js';
import type { FakeIdentity } from './identity.js';
import { readBody, sendJson } from './http-util.js';
import { type FakeState, type ResponseUrlEntry, findEphemeral, findMessage } from './state.js';
import type { FakeEphemeral, FakeMessage, ResponseUrlPost } from './types.js';

/** Slack's rule for a response_url: at most 5 uses within 30 minutes. */
export const RESPONSE_URL_MAX_USES = 5;
export const RESPONSE_URL_TTL_MS = 30 * 60 * 1000;

export function responsePath(id: string): string {
  return `/slack-fake/response/${encodeURIComponent(id)}`;
}

type Outcome = Pick<ResponseUrlPost, 'status' | 'effect' | 'error' | 'target'> & { errors?: string[] };

/** `POST /slack-fake/response/:id`, the response_url of a command or interaction. */
export async function handleResponseUrl(
  req: IncomingMessage,
  res: ServerResponse,
  id: string,
  deps: { state: FakeState; identity: FakeIdentity },
): Promise<void> {
  const raw = (await readBody(req)).toString('utf8');
  const { state } = deps;
  let body: Record<string, unknown> = {};
  let outcome: Outcome;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    body = parsed as Record<string, unknown>;
    outcome = respond(id, body, deps);
  } catch {
    outcome = { status: 400, effect: 'rejected', error: 'invalid_payload' };
  }
  const record: ResponseUrlPost = {
    responseUrlId: id,
    body,
    at: state.clock.now(),
    status: outcome.status,
    effect: outcome.effect,
    ...(outcome.error ? { error: outcome.error } : {}),
    ...(outcome.target ? { target: outcome.target } : {}),
  };
  state.responses.push(record);
  state.emit({ type: 'response', response: record });
  if (outcome.effect === 'rejected') {
    sendJson(res, outcome.status, { ok: false, error: outcome.error, ...(outcome.errors ? { errors: outcome.errors } : {}) });
  } else {
    sendJson(res, 200, { ok: true });
  }
}

function rejected(status: number, error: string, errors?: string[]): Outcome {
  return { status, effect: 'rejected', error, ...(errors ? { errors } : {}) };
}

function respond(id: string, body: Record<string, unknown>, deps: { state: FakeState; identity: FakeIdentity }): Outcome {
  const { state } = deps;
  const entry = state.responseUrls.get(id);
  if (!entry) return rejected(404, 'invalid_url');
  if (state.clock.now().getTime() - entry.createdAt.getTime() > RESPONSE_URL_TTL_MS) return rejected(404, 'expired_url');
  if (entry.uses >= RESPONSE_URL_MAX_USES) return rejected(404, 'used_url');

  const outcome = body.delete_original === true ? deleteOriginal(entry, state) : post(entry, body, deps);
  if (outcome.effect !== 'rejected') entry.uses += 1;
  return outcome;
}

function deleteOriginal(entry: ResponseUrlEntry, state: FakeState): Outcome {
  const source = entry.source;
  if (!source) return rejected(404, 'message_not_found');
  const list: (FakeMessage | FakeEphemeral)[] = source.ephemeral ? state.ephemerals : state.messages;
  const index = list.findIndex((m) => m.channel === source.channel && m.ts === source.ts);
  if (index === -1) return rejected(404, 'message_not_found');
  list.splice(index, 1);
  if (source.ephemeral) state.emit({ type: 'ephemeral_deleted', channel: source.channel, ts: source.ts, user: entry.userId });
  else state.emit({ type: 'message_deleted', channel: source.channel, ts: source.ts });
  return { status: 200, effect: 'deleted', target: source };
}

function post(entry: ResponseUrlEntry, body: Record<string, unknown>, deps: { state: FakeState; identity: FakeIdentity }): Outcome {
  const { state, identity } = deps;
  const content = readMessageContent(body);
  if (!content.ok) return rejected(400, content.error, content.errors);
  const now = state.clock.now();
  const text = content.text ?? '';

  // replace_original acts on the message a block action came from; a slash command has none,
  // and Slack then posts a new message instead.
  const source = entry.source;
  if (body.replace_original === true && source) {
    const target = source.ephemeral ? findEphemeral(state, source.channel, source.ts) : findMessage(state, source.channel, source.ts);
    if (!target) return rejected(404, 'message_not_found');
    target.text = text;
    if (content.blocks) target.blocks = content.blocks;
    else delete target.blocks;
    target.updated += 1;
    if (source.ephemeral) state.emit({ type: 'ephemeral_updated', ephemeral: target as FakeEphemeral });
    else {
      (target as FakeMessage).updatedAt = now;
      state.emit({ type: 'message_updated', message: target as FakeMessage });
    }
    return { status: 200, effect: 'replaced', target: source };
  }

  const ts = state.nextTs();
  const blocks = content.blocks ? { blocks: content.blocks } : {};
  if (body.response_type === 'in_channel') {
    const message: FakeMessage = {
      channel: entry.channelId, ts, text, ...blocks,
      user: identity.botUserId, botId: identity.botId, files: [], updated: 0, postedAt: now, via: 'response_url',
    };
    state.messages.push(message);
    state.emit({ type: 'message', message });
    return { status: 200, effect: 'posted_in_channel', target: { channel: message.channel, ts, ephemeral: false } };
  }
  const ephemeral: FakeEphemeral = {
    channel: entry.channelId, user: entry.userId, ts, text, ...blocks, updated: 0, postedAt: now, via: 'response_url',
  };
  state.ephemerals.push(ephemeral);
  state.emit({ type: 'ephemeral', ephemeral });
  return { status: 200, effect: 'posted_ephemeral', target: { channel: ephemeral.channel, ts, ephemeral: true } };
}
