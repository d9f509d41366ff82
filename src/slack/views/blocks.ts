/**
 * Small Block Kit builders shared by the views. They clip text to Slack's
 * limits so a long plan title or error message can never get a post refused.
 */

export type Block = Record<string, unknown>;

export const LIMITS = { blocks: 50, header: 150, section: 3000, field: 2000, button: 75, context: 2000, fallback: 3000 } as const;

export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function header(text: string, blockId?: string): Block {
  return { type: 'header', ...(blockId ? { block_id: blockId } : {}), text: { type: 'plain_text', text: clip(text, LIMITS.header), emoji: true } };
}

export function section(markdown: string, blockId?: string): Block {
  return { type: 'section', ...(blockId ? { block_id: blockId } : {}), text: { type: 'mrkdwn', text: clip(markdown, LIMITS.section) } };
}

export function fields(items: string[], blockId?: string): Block {
  return {
    type: 'section',
    ...(blockId ? { block_id: blockId } : {}),
    fields: items.slice(0, 10).map((text) => ({ type: 'mrkdwn', text: clip(text, LIMITS.field) })),
  };
}

export function context(markdown: string[], blockId?: string): Block {
  return {
    type: 'context',
    ...(blockId ? { block_id: blockId } : {}),
    elements: markdown.slice(0, 10).map((text) => ({ type: 'mrkdwn', text: clip(text, LIMITS.context) })),
  };
}

export function divider(): Block {
  return { type: 'divider' };
}

export function button(input: { text: string; actionId: string; value?: string; style?: 'primary' | 'danger' }): Block {
  return {
    type: 'button',
    text: { type: 'plain_text', text: clip(input.text, LIMITS.button), emoji: true },
    action_id: input.actionId,
    ...(input.value !== undefined ? { value: clip(input.value, 2000) } : {}),
    ...(input.style ? { style: input.style } : {}),
  };
}

export function actions(elements: Block[], blockId?: string): Block {
  return { type: 'actions', ...(blockId ? { block_id: blockId } : {}), elements: elements.slice(0, 25) };
}

/**
 * Keep a message within 50 blocks: when there are more, the tail is replaced
 * by one context block saying how many were left out.
 */
export function capBlocks(blocks: Block[], note = (n: number) => `…and ${n} more (see \`/golive\` status or the report)`): Block[] {
  if (blocks.length <= LIMITS.blocks) return blocks;
  const kept = blocks.slice(0, LIMITS.blocks - 1);
  return [...kept, context([note(blocks.length - kept.length)])];
}

/** Escape user-visible text for mrkdwn (&, <, > are control characters in Slack). */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
