import { checkBlocks } from './block-limits.js';
import { slackId } from './ids.js';
import type { Block, FakeMessage } from './types.js';

export type ContentResult =
  | { ok: true; text: string | undefined; blocks: Block[] | undefined }
  | { ok: false; error: string; errors?: string[] };

/**
 * The text/blocks pair of a chat message or response_url post, checked like Slack does:
 * something to show, and blocks within Block Kit's limits with a text fallback.
 */
export function readMessageContent(input: { text?: unknown; blocks?: unknown }): ContentResult {
  const text = typeof input.text === 'string' ? input.text : undefined;
  const hasBlocks = Array.isArray(input.blocks) ? input.blocks.length > 0 : input.blocks !== undefined;
  if (!hasBlocks && (text === undefined || text === '')) return { ok: false, error: 'no_text' };
  if (input.blocks === undefined) return { ok: true, text, blocks: undefined };
  const errors = checkBlocks(input.blocks, { surface: 'message', fallbackText: text });
  if (errors.length > 0) return { ok: false, error: 'invalid_blocks', errors };
  return { ok: true, text, blocks: withBlockIds(input.blocks as Block[]) };
}

/** Slack fills in a block_id for every block that has none; action payloads carry it. */
export function withBlockIds(blocks: Block[]): Block[] {
  return blocks.map((block) => (typeof block.block_id === 'string' ? block : { ...block, block_id: slackId('', 5) }));
}

/** A message as Slack's API returns it inside `message`. */
export function messageJson(message: FakeMessage, teamId: string, appId: string): Record<string, unknown> {
  return {
    type: 'message',
    user: message.user,
    bot_id: message.botId,
    app_id: appId,
    team: teamId,
    text: message.text,
    ...(message.blocks ? { blocks: message.blocks } : {}),
    ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
    ...(message.files.length > 0 ? { files: message.files.map((f) => ({ id: f.id, name: f.filename, title: f.title })) } : {}),
    ...(message.updated > 0 ? { edited: { user: message.user, ts: message.ts } } : {}),
    ts: message.ts,
  };
}
