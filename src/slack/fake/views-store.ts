import { checkBlocks } from './block-limits.js';
import { withBlockIds } from './content.js';
import type { FakeIdentity } from './identity.js';
import { opaqueToken, slackId } from './ids.js';
import type { FakeState } from './state.js';
import type { Block, FakeView } from './types.js';

/** Slack keeps at most three views in a modal stack. */
export const MAX_VIEW_STACK = 3;
const TITLE_TEXT = 24;
const PRIVATE_METADATA = 3000;
const CALLBACK_ID = 255;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Limits of the modal itself plus Block Kit limits for its blocks (modals allow 100). */
export function checkView(view: unknown): string[] {
  if (!isObject(view)) return ['view must be a JSON object [json-pointer:/view]'];
  const errors: string[] = [];
  if (view.type !== 'modal') errors.push('type must be "modal" [json-pointer:/view/type]');
  for (const key of ['title', 'submit', 'close'] as const) {
    const text = isObject(view[key]) ? (view[key] as Json).text : undefined;
    if (key === 'title' && typeof text !== 'string') errors.push('title is required [json-pointer:/view/title]');
    if (typeof text === 'string' && text.length > TITLE_TEXT) {
      errors.push(`must be less than ${TITLE_TEXT + 1} characters [json-pointer:/view/${key}/text]`);
    }
  }
  if (typeof view.private_metadata === 'string' && view.private_metadata.length > PRIVATE_METADATA) {
    errors.push(`must be less than ${PRIVATE_METADATA + 1} characters [json-pointer:/view/private_metadata]`);
  }
  if (typeof view.callback_id === 'string' && view.callback_id.length > CALLBACK_ID) {
    errors.push(`must be less than ${CALLBACK_ID + 1} characters [json-pointer:/view/callback_id]`);
  }
  const blockErrors = checkBlocks(view.blocks ?? [], { surface: 'modal' });
  return [...errors, ...blockErrors.map((e) => e.replace('[json-pointer:/blocks', '[json-pointer:/view/blocks'))];
}

function normalise(view: Json): Json {
  return { ...view, blocks: withBlockIds((Array.isArray(view.blocks) ? view.blocks : []) as Block[]) };
}

function newHash(state: FakeState): string {
  return `${Math.floor(state.clock.now().getTime() / 1000)}.${opaqueToken().slice(0, 8)}`;
}

export function openView(state: FakeState, userId: string, view: Json, previous?: FakeView): FakeView {
  const now = state.clock.now();
  const id = slackId('V');
  const record: FakeView = {
    id,
    userId,
    view: normalise(view),
    hash: newHash(state),
    rootViewId: previous?.rootViewId ?? id,
    ...(previous ? { previousViewId: previous.id } : {}),
    openedAt: now,
    updatedAt: now,
    open: true,
  };
  state.views.set(id, record);
  state.emit({ type: 'view', view: record });
  return record;
}

export function replaceView(state: FakeState, record: FakeView, view: Json): void {
  record.view = normalise(view);
  record.hash = newHash(state);
  record.updatedAt = state.clock.now();
  delete record.lastErrors;
  state.emit({ type: 'view', view: record });
}

export function closeView(state: FakeState, record: FakeView): void {
  record.open = false;
  record.updatedAt = state.clock.now();
  state.emit({ type: 'view', view: record });
}

export function openStack(state: FakeState, rootViewId: string): FakeView[] {
  return [...state.views.values()].filter((v) => v.open && v.rootViewId === rootViewId);
}

/** The view on top of the user's open modal, if any. */
export function topViewOf(state: FakeState, userId: string): FakeView | undefined {
  return [...state.views.values()].filter((v) => v.open && v.userId === userId).at(-1);
}

export function findViewByIdOrExternal(state: FakeState, viewId?: string, externalId?: string): FakeView | undefined {
  if (viewId) return state.views.get(viewId);
  if (!externalId) return undefined;
  return [...state.views.values()].find((v) => v.view.external_id === externalId);
}

/** The view object as Slack returns it from views.* and sends it in view_submission. */
export function viewJson(record: FakeView, identity: FakeIdentity, stateValues: Json = {}): Json {
  const v = record.view;
  return {
    id: record.id,
    team_id: identity.teamId,
    type: v.type ?? 'modal',
    title: v.title,
    ...(v.submit !== undefined ? { submit: v.submit } : {}),
    ...(v.close !== undefined ? { close: v.close } : {}),
    blocks: v.blocks,
    private_metadata: v.private_metadata ?? '',
    callback_id: v.callback_id ?? '',
    external_id: v.external_id ?? '',
    state: { values: stateValues },
    hash: record.hash,
    clear_on_close: v.clear_on_close ?? false,
    notify_on_close: v.notify_on_close ?? false,
    root_view_id: record.rootViewId,
    previous_view_id: record.previousViewId ?? null,
    app_id: identity.appId,
    bot_id: identity.botId,
  };
}
