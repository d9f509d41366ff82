import { type ApiContext, type ApiMethod, type ApiResult, fail, stringArg } from './api-types.js';
import {
  MAX_VIEW_STACK,
  checkView,
  findViewByIdOrExternal,
  openStack,
  openView,
  replaceView,
  topViewOf,
  viewJson,
} from './views-store.js';
import type { TriggerEntry } from './state.js';

type Json = Record<string, unknown>;

/** A trigger_id must be one the fake handed to the bot (in a command or interaction). */
function trigger(args: Json, ctx: ApiContext): TriggerEntry | ApiResult {
  const id = stringArg(args, 'trigger_id');
  if (!id) return fail('invalid_arguments', { errors: ['trigger_id is required'] });
  return ctx.state.triggers.get(id) ?? fail('invalid_trigger_id');
}

function viewArg(args: Json): Json | ApiResult {
  const errors = checkView(args.view);
  if (errors.length > 0) return fail('invalid_blocks', { errors });
  return args.view as Json;
}

function isFailure(value: unknown): value is ApiResult {
  return typeof value === 'object' && value !== null && (value as Json).ok === false;
}

const open: ApiMethod = (args, ctx) => {
  const entry = trigger(args, ctx);
  if (isFailure(entry)) return entry;
  const view = viewArg(args);
  if (isFailure(view)) return view;
  const record = openView(ctx.state, (entry as TriggerEntry).userId, view);
  return { ok: true, view: viewJson(record, ctx.identity) };
};

const push: ApiMethod = (args, ctx) => {
  const entry = trigger(args, ctx);
  if (isFailure(entry)) return entry;
  const { userId, viewId } = entry as TriggerEntry;
  const below = (viewId ? ctx.state.views.get(viewId) : undefined) ?? topViewOf(ctx.state, userId);
  if (!below?.open) return fail('not_found', { errors: ['views.push needs an open modal to push onto'] });
  if (openStack(ctx.state, below.rootViewId).length >= MAX_VIEW_STACK) return fail('push_limit_reached');
  const view = viewArg(args);
  if (isFailure(view)) return view;
  const record = openView(ctx.state, userId, view, below);
  return { ok: true, view: viewJson(record, ctx.identity) };
};

const update: ApiMethod = (args, ctx) => {
  const record = findViewByIdOrExternal(ctx.state, stringArg(args, 'view_id'), stringArg(args, 'external_id'));
  if (!record?.open) return fail('not_found');
  const hash = stringArg(args, 'hash');
  if (hash && hash !== record.hash) return fail('hash_conflict');
  const view = viewArg(args);
  if (isFailure(view)) return view;
  replaceView(ctx.state, record, view);
  return { ok: true, view: viewJson(record, ctx.identity) };
};

export const viewMethods: Record<string, ApiMethod> = {
  'views.open': open,
  'views.push': push,
  'views.update': update,
};
