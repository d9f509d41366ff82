import { messageJson, readMessageContent } from './content.js';
import { resolveConversation } from './identity.js';
import { findMessage } from './state.js';
import { type ApiMethod, fail, stringArg } from './api-types.js';
import type { FakeEphemeral, FakeMessage } from './types.js';

const postMessage: ApiMethod = (args, { state, identity }) => {
  const channel = resolveConversation(identity, args.channel);
  if (!channel) return fail('channel_not_found');
  const content = readMessageContent(args);
  if (!content.ok) return fail(content.error, content.errors ? { errors: content.errors } : {});
  const threadTs = stringArg(args, 'thread_ts');
  const message: FakeMessage = {
    channel,
    ts: state.nextTs(),
    text: content.text ?? '',
    ...(content.blocks ? { blocks: content.blocks } : {}),
    user: identity.botUserId,
    botId: identity.botId,
    ...(threadTs ? { threadTs } : {}),
    files: [],
    updated: 0,
    postedAt: state.clock.now(),
    via: 'api',
  };
  state.messages.push(message);
  state.emit({ type: 'message', message });
  return { ok: true, channel, ts: message.ts, message: messageJson(message, identity.teamId, identity.appId) };
};

const update: ApiMethod = (args, { state, identity }) => {
  const channel = resolveConversation(identity, args.channel);
  if (!channel) return fail('channel_not_found');
  const ts = stringArg(args, 'ts');
  const message = ts ? findMessage(state, channel, ts) : undefined;
  if (!message) return fail('message_not_found');
  // Slack keeps what the update leaves out; the fallback rule applies to the result.
  const content = readMessageContent({
    text: args.text ?? message.text,
    blocks: args.blocks ?? message.blocks,
  });
  if (!content.ok) return fail(content.error, content.errors ? { errors: content.errors } : {});
  message.text = content.text ?? '';
  if (content.blocks) message.blocks = content.blocks;
  else delete message.blocks;
  message.updated += 1;
  message.updatedAt = state.clock.now();
  state.emit({ type: 'message_updated', message });
  return {
    ok: true,
    channel,
    ts: message.ts,
    text: message.text,
    message: messageJson(message, identity.teamId, identity.appId),
  };
};

const postEphemeral: ApiMethod = (args, { state, identity }) => {
  const channel = resolveConversation(identity, args.channel);
  if (!channel) return fail('channel_not_found');
  const user = stringArg(args, 'user');
  if (!user) return fail('user_not_in_channel');
  const content = readMessageContent(args);
  if (!content.ok) return fail(content.error, content.errors ? { errors: content.errors } : {});
  const ephemeral: FakeEphemeral = {
    channel,
    user,
    ts: state.nextTs(),
    text: content.text ?? '',
    ...(content.blocks ? { blocks: content.blocks } : {}),
    updated: 0,
    postedAt: state.clock.now(),
    via: 'api',
  };
  state.ephemerals.push(ephemeral);
  state.emit({ type: 'ephemeral', ephemeral });
  return { ok: true, message_ts: ephemeral.ts };
};

const deleteMessage: ApiMethod = (args, { state, identity }) => {
  const channel = resolveConversation(identity, args.channel);
  if (!channel) return fail('channel_not_found');
  const ts = stringArg(args, 'ts');
  const index = state.messages.findIndex((m) => m.channel === channel && m.ts === ts);
  if (index === -1 || !ts) return fail('message_not_found');
  state.messages.splice(index, 1);
  state.emit({ type: 'message_deleted', channel, ts });
  return { ok: true, channel, ts };
};

export const chatMethods: Record<string, ApiMethod> = {
  'chat.postMessage': postMessage,
  'chat.update': update,
  'chat.postEphemeral': postEphemeral,
  'chat.delete': deleteMessage,
};
