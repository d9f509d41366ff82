import { describe, expect, it } from 'vitest';
import { checkBlocks } from '../../../../src/slack/fake/block-limits.js';
import { checkView } from '../../../../src/slack/fake/views-store.js';

const text = (n: number) => 'x'.repeat(n);
const section = (body: string, extra: Record<string, unknown> = {}) => ({ type: 'section', text: { type: 'mrkdwn', text: body }, ...extra });
const button = (label: string, extra: Record<string, unknown> = {}) => ({
  type: 'button',
  action_id: `a-${label.length}`,
  text: { type: 'plain_text', text: label },
  ...extra,
});
const message = (blocks: unknown) => checkBlocks(blocks, { surface: 'message', fallbackText: 'fallback' });

describe('Block Kit limits the fake enforces', () => {
  it('accepts blocks at every limit', () => {
    const blocks = [
      { type: 'header', text: { type: 'plain_text', text: text(150) } },
      section(text(3000), { accessory: button(text(75), { value: text(2000) }) }),
      { type: 'section', fields: Array.from({ length: 10 }, () => ({ type: 'mrkdwn', text: text(2000) })) },
      ...Array.from({ length: 47 }, () => ({ type: 'divider' })),
    ];
    expect(blocks).toHaveLength(50);
    expect(message(blocks)).toEqual([]);
  });

  it('refuses more than 50 blocks in a message but allows 100 in a modal', () => {
    const blocks = Array.from({ length: 51 }, () => ({ type: 'divider' }));
    expect(message(blocks)).toEqual(['must provide no more than 50 items [json-pointer:/blocks]']);
    expect(checkBlocks(blocks, { surface: 'modal' })).toEqual([]);
    expect(checkBlocks([...blocks, ...blocks], { surface: 'modal' })).toEqual(['must provide no more than 100 items [json-pointer:/blocks]']);
  });

  it('points at each text that is too long', () => {
    expect(message([{ type: 'header', text: { type: 'plain_text', text: text(151) } }])).toEqual([
      'must be less than 151 characters [json-pointer:/blocks/0/text/text]',
    ]);
    expect(message([{ type: 'divider' }, section(text(3001))])).toEqual([
      'must be less than 3001 characters [json-pointer:/blocks/1/text/text]',
    ]);
    expect(message([{ type: 'actions', elements: [button(text(76))] }])).toEqual([
      'must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]',
    ]);
    expect(message([section('ok', { accessory: button('ok', { value: text(2001) }) })])).toEqual([
      'must be less than 2001 characters [json-pointer:/blocks/0/accessory/value]',
    ]);
    expect(message([{ type: 'section', fields: [{ type: 'mrkdwn', text: text(2001) }] }])).toEqual([
      'must be less than 2001 characters [json-pointer:/blocks/0/fields/0/text]',
    ]);
  });

  it('refuses duplicate block_id in a message and duplicate action_id in a block', () => {
    expect(message([section('a', { block_id: 'b1' }), section('b', { block_id: 'b1' })])).toEqual([
      'block_id "b1" is already used [json-pointer:/blocks/1/block_id]',
    ]);
    expect(message([{ type: 'actions', elements: [button('a', { action_id: 'go' }), button('b', { action_id: 'go' })] }])).toEqual([
      'action_id "go" is already used in this block [json-pointer:/blocks/0/elements/1/action_id]',
    ]);
  });

  it('requires the text fallback whenever a message sends blocks', () => {
    expect(checkBlocks([section('a')], { surface: 'message' })).toEqual([
      'missing text fallback: pass `text` with `blocks` for notifications and screen readers [json-pointer:/text]',
    ]);
    expect(checkBlocks([section('a')], { surface: 'modal' })).toEqual([]);
  });

  it("checks a modal's own limits too", () => {
    const view = {
      type: 'modal',
      title: { type: 'plain_text', text: text(25) },
      private_metadata: text(3001),
      blocks: [{ type: 'header', text: { type: 'plain_text', text: text(151) } }],
    };
    expect(checkView(view)).toEqual([
      'must be less than 25 characters [json-pointer:/view/title/text]',
      'must be less than 3001 characters [json-pointer:/view/private_metadata]',
      'must be less than 151 characters [json-pointer:/view/blocks/0/text/text]',
    ]);
  });
});
