import { GoliveError } from '../../errors.js';
import type { BotAnswer, DeliveryOptions } from './bot-request.js';
import { messageJson } from './content.js';
import {
  type DriverDeps,
  actionTs,
  deliver,
  issueResponseUrl,
  issueTrigger,
  payloadBody,
  teamJson,
  userJson,
} from './driver-common.js';
import { channelName } from './identity.js';
import { findEphemeral, findMessage } from './state.js';
import type { Block, FakeEphemeral, FakeMessage } from './types.js';

export interface SendBlockActionInput extends DeliveryOptions {
  userId: string;
  /** A recorded channel message or an ephemeral shown to `userId`. */
  message: { channel: string; ts: string };
  actionId: string;
  /** Taken from the message's blocks when left out. */
  blockId?: string;
  value?: string;
  triggerId?: string;
}

export interface ClickButtonInput extends DeliveryOptions {
  userId: string;
  channel: string;
  ts: string;
  actionId: string;
  triggerId?: string;
}

export interface InteractionResult extends BotAnswer {
  responseUrl: string;
  triggerId: string;
}

interface FoundElement {
  blockId: string;
  element: Record<string, unknown>;
}

/** Interactive elements live in actions blocks and as section accessories. */
export function findElement(blocks: Block[] | undefined, actionId: string): FoundElement | undefined {
  for (const block of blocks ?? []) {
    const blockId = typeof block.block_id === 'string' ? block.block_id : '';
    const candidates = [...(Array.isArray(block.elements) ? block.elements : []), block.accessory];
    for (const element of candidates) {
      if (typeof element === 'object' && element !== null && (element as Record<string, unknown>).action_id === actionId) {
        return { blockId, element: element as Record<string, unknown> };
      }
    }
  }
  return undefined;
}

function locate(deps: DriverDeps, userId: string, channel: string, ts: string): { message: FakeMessage | FakeEphemeral; ephemeral: boolean } {
  const message = findMessage(deps.state, channel, ts);
  if (message) return { message, ephemeral: false };
  const ephemeral = findEphemeral(deps.state, channel, ts);
  if (ephemeral && ephemeral.user === userId) return { message: ephemeral, ephemeral: true };
  throw new GoliveError(
    'slack_fake_message_not_found',
    `The Slack fake has no message ${ts} in ${channel} visible to ${userId}; take channel and ts from fake.messages() or fake.ephemerals(userId).`,
  );
}

/** A `block_actions` interaction, as Slack posts it when someone uses an element of a message. */
export async function sendBlockAction(deps: DriverDeps, input: SendBlockActionInput): Promise<InteractionResult> {
  const { identity } = deps;
  const { channel, ts } = input.message;
  const { message, ephemeral } = locate(deps, input.userId, channel, ts);
  const found = findElement(message.blocks, input.actionId);
  const blockId = input.blockId ?? found?.blockId ?? '';
  const value = input.value ?? (typeof found?.element.value === 'string' ? found.element.value : undefined);
  const responseUrl = issueResponseUrl(deps, { channelId: channel, userId: input.userId, source: { channel, ts, ephemeral } });
  const triggerId = issueTrigger(deps, input.userId, input.triggerId);
  const action: Record<string, unknown> = {
    action_id: input.actionId,
    block_id: blockId,
    ...(value !== undefined ? { value } : {}),
    type: typeof found?.element.type === 'string' ? found.element.type : 'button',
    ...(found?.element.text !== undefined ? { text: found.element.text } : {}),
    ...(found?.element.style !== undefined ? { style: found.element.style } : {}),
    action_ts: actionTs(deps),
  };
  const payload: Record<string, unknown> = {
    type: 'block_actions',
    user: userJson(identity, input.userId),
    api_app_id: identity.appId,
    token: identity.verificationToken,
    container: { type: 'message', message_ts: ts, channel_id: channel, is_ephemeral: ephemeral },
    trigger_id: triggerId,
    team: teamJson(identity),
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channel, name: channelName(identity, channel) },
    // Slack leaves the message out for ephemerals: only the container identifies them.
    ...(ephemeral ? {} : { message: messageJson(message as FakeMessage, identity.teamId, identity.appId) }),
    state: { values: {} },
    response_url: responseUrl,
    actions: [action],
  };
  const answer = await deliver(deps, 'block_actions', payloadBody(payload), input);
  return { ...answer, responseUrl, triggerId };
}

/** Clicks a button that really is in the recorded message, with its block_id and value. */
export async function clickButton(deps: DriverDeps, input: ClickButtonInput): Promise<InteractionResult> {
  const { message } = locate(deps, input.userId, input.channel, input.ts);
  const found = findElement(message.blocks, input.actionId);
  if (!found || found.element.type !== 'button') {
    const present = (message.blocks ?? [])
      .flatMap((b) => [...(Array.isArray(b.elements) ? b.elements : []), b.accessory])
      .map((e) => (typeof e === 'object' && e !== null ? (e as Record<string, unknown>).action_id : undefined))
      .filter((id): id is string => typeof id === 'string');
    throw new GoliveError(
      'slack_fake_button_not_found',
      `Message ${input.ts} in ${input.channel} has no button with action_id "${input.actionId}" (action ids present: ${present.join(', ') || 'none'}).`,
    );
  }
  const { channel, ts, ...rest } = input;
  return sendBlockAction(deps, {
    ...rest,
    message: { channel, ts },
    blockId: found.blockId,
    ...(typeof found.element.value === 'string' ? { value: found.element.value } : {}),
  });
}
