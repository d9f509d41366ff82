/**
 * Block Kit limits Slack enforces (it answers `invalid_blocks`). Checking them in the fake
 * makes a view that would break in a real workspace fail in tests instead.
 * Messages in Slack's words: "<what> [json-pointer:/blocks/3/text/text]".
 */

export type BlockSurface = 'message' | 'modal';

const MAX_BLOCKS: Record<BlockSurface, number> = { message: 50, modal: 100 };
const HEADER_TEXT = 150;
const SECTION_TEXT = 3000;
const SECTION_FIELDS = 10;
const SECTION_FIELD_TEXT = 2000;
const BUTTON_TEXT = 75;
const BUTTON_VALUE = 2000;
const ID_LENGTH = 255;
const ACTIONS_ELEMENTS = 25;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function textOf(value: unknown): string | undefined {
  return isObject(value) && typeof value.text === 'string' ? value.text : undefined;
}

function tooLong(errors: string[], value: string | undefined, max: number, pointer: string): void {
  if (value !== undefined && value.length > max) {
    errors.push(`must be less than ${max + 1} characters [json-pointer:${pointer}]`);
  }
}

function checkElement(errors: string[], element: unknown, pointer: string): void {
  if (!isObject(element)) return;
  if (typeof element.action_id === 'string') tooLong(errors, element.action_id, ID_LENGTH, `${pointer}/action_id`);
  if (element.type !== 'button') return;
  tooLong(errors, textOf(element.text), BUTTON_TEXT, `${pointer}/text/text`);
  if (typeof element.value === 'string') tooLong(errors, element.value, BUTTON_VALUE, `${pointer}/value`);
}

function checkSection(errors: string[], block: Json, pointer: string): void {
  tooLong(errors, textOf(block.text), SECTION_TEXT, `${pointer}/text/text`);
  if (Array.isArray(block.fields)) {
    if (block.fields.length > SECTION_FIELDS) {
      errors.push(`must provide no more than ${SECTION_FIELDS} items [json-pointer:${pointer}/fields]`);
    }
    block.fields.forEach((field, i) => tooLong(errors, textOf(field), SECTION_FIELD_TEXT, `${pointer}/fields/${i}/text`));
  }
  if (block.text === undefined && block.fields === undefined) {
    errors.push(`must provide either text or fields [json-pointer:${pointer}]`);
  }
  checkElement(errors, block.accessory, `${pointer}/accessory`);
}

function checkActions(errors: string[], block: Json, pointer: string): void {
  const elements = Array.isArray(block.elements) ? block.elements : [];
  if (elements.length > ACTIONS_ELEMENTS) {
    errors.push(`must provide no more than ${ACTIONS_ELEMENTS} items [json-pointer:${pointer}/elements]`);
  }
  const actionIds = new Set<string>();
  elements.forEach((element, i) => {
    checkElement(errors, element, `${pointer}/elements/${i}`);
    const actionId = isObject(element) ? element.action_id : undefined;
    if (typeof actionId !== 'string') return;
    if (actionIds.has(actionId)) {
      errors.push(`action_id "${actionId}" is already used in this block [json-pointer:${pointer}/elements/${i}/action_id]`);
    }
    actionIds.add(actionId);
  });
}

export interface BlockCheckOptions {
  surface: BlockSurface;
  /** Messages need a `text` fallback whenever blocks are sent; modals do not. */
  fallbackText?: unknown;
}

/** Returns Slack-style error strings; empty when the blocks are acceptable. */
export function checkBlocks(blocks: unknown, options: BlockCheckOptions): string[] {
  if (!Array.isArray(blocks)) return ['blocks must be an array [json-pointer:/blocks]'];
  const errors: string[] = [];
  const max = MAX_BLOCKS[options.surface];
  if (blocks.length > max) errors.push(`must provide no more than ${max} items [json-pointer:/blocks]`);
  if (options.surface === 'message' && blocks.length > 0) {
    const text = options.fallbackText;
    if (typeof text !== 'string' || text.trim() === '') {
      errors.push('missing text fallback: pass `text` with `blocks` for notifications and screen readers [json-pointer:/text]');
    }
  }
  const blockIds = new Set<string>();
  blocks.forEach((block, index) => {
    const pointer = `/blocks/${index}`;
    if (!isObject(block) || typeof block.type !== 'string') {
      errors.push(`must be a block object with a type [json-pointer:${pointer}]`);
      return;
    }
    if (typeof block.block_id === 'string') {
      tooLong(errors, block.block_id, ID_LENGTH, `${pointer}/block_id`);
      if (blockIds.has(block.block_id)) {
        errors.push(`block_id "${block.block_id}" is already used [json-pointer:${pointer}/block_id]`);
      }
      blockIds.add(block.block_id);
    }
    if (block.type === 'header') tooLong(errors, textOf(block.text), HEADER_TEXT, `${pointer}/text/text`);
    if (block.type === 'section') checkSection(errors, block, pointer);
    if (block.type === 'actions') checkActions(errors, block, pointer);
    if (block.type === 'input') checkElement(errors, block.element, `${pointer}/element`);
  });
  return errors;
}
