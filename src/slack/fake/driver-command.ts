import type { BotAnswer, DeliveryOptions } from './bot-request.js';
import { type DriverDeps, deliver, issueResponseUrl, issueTrigger } from './driver-common.js';
import { channelName, userName } from './identity.js';
import type { Block, FakeEphemeral, FakeMessage } from './types.js';

export interface SendCommandInput extends DeliveryOptions {
  text: string;
  userId: string;
  command?: string;
  channelId?: string;
  triggerId?: string;
}

export interface CommandResult extends BotAnswer {
  responseUrl: string;
  triggerId: string;
}

/** A slash command exactly as Slack posts it to the bot's request URL. */
export async function sendCommand(deps: DriverDeps, input: SendCommandInput): Promise<CommandResult> {
  const { identity } = deps;
  const channelId = input.channelId ?? identity.channel.id;
  const responseUrl = issueResponseUrl(deps, { channelId, userId: input.userId });
  const triggerId = issueTrigger(deps, input.userId, input.triggerId);
  const fields: Record<string, string> = {
    token: identity.verificationToken,
    team_id: identity.teamId,
    team_domain: identity.teamDomain,
    channel_id: channelId,
    channel_name: channelName(identity, channelId),
    user_id: input.userId,
    user_name: userName(identity, input.userId),
    command: input.command ?? '/golive',
    text: input.text,
    api_app_id: identity.appId,
    is_enterprise_install: 'false',
    response_url: responseUrl,
    trigger_id: triggerId,
  };
  const answer = await deliver(deps, 'command', new URLSearchParams(fields).toString(), input);
  if (answer.status === 200) recordAck(deps, answer, channelId, input.userId);
  return { ...answer, responseUrl, triggerId };
}

/**
 * Slack shows a command's HTTP answer to the user: plain text or `{text, blocks}` as an
 * ephemeral, or in the channel with `response_type: "in_channel"`. An empty answer shows nothing.
 */
function recordAck(deps: DriverDeps, answer: BotAnswer, channel: string, user: string): void {
  if (answer.text.trim() === '') return;
  const { state, identity } = deps;
  const json = typeof answer.json === 'object' && answer.json !== null ? (answer.json as Record<string, unknown>) : undefined;
  const text = json ? (typeof json.text === 'string' ? json.text : '') : answer.text;
  const blocks = json && Array.isArray(json.blocks) ? { blocks: json.blocks as Block[] } : {};
  const ts = state.nextTs();
  const postedAt = state.clock.now();
  if (json?.response_type === 'in_channel') {
    const message: FakeMessage = {
      channel, ts, text, ...blocks,
      user: identity.botUserId, botId: identity.botId, files: [], updated: 0, postedAt, via: 'command_ack',
    };
    state.messages.push(message);
    state.emit({ type: 'message', message });
    return;
  }
  const ephemeral: FakeEphemeral = { channel, user, ts, text, ...blocks, updated: 0, postedAt, via: 'command_ack' };
  state.ephemerals.push(ephemeral);
  state.emit({ type: 'ephemeral', ephemeral });
}
