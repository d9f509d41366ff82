import { GoliveError } from '../../errors.js';
import type { BotAnswer, DeliveryOptions } from './bot-request.js';
import { type DriverDeps, deliver, issueTrigger, payloadBody, teamJson, userJson } from './driver-common.js';
import type { FakeState } from './state.js';
import type { FakeView } from './types.js';
import { checkView, closeView, openStack, openView, replaceView, viewJson } from './views-store.js';

type Json = Record<string, unknown>;

/** What a person typed or picked: a string (an input's value / an option's value) or the raw state object. */
export type SubmittedValue = string | Json;

export interface SubmitViewInput extends DeliveryOptions {
  userId: string;
  viewId: string;
  /** block_id -> action_id -> value. Inputs left out are submitted empty. */
  values?: Record<string, Record<string, SubmittedValue>>;
  triggerId?: string;
}

export interface SubmitViewResult extends BotAnswer {
  /** The view after Slack applied the answer (closed, updated, errors shown). */
  view: FakeView;
}

/** Which state field each input element type fills in a view_submission. */
const STATE_FIELD: Record<string, string> = {
  static_select: 'selected_option',
  external_select: 'selected_option',
  radio_buttons: 'selected_option',
  multi_static_select: 'selected_options',
  multi_external_select: 'selected_options',
  checkboxes: 'selected_options',
  users_select: 'selected_user',
  multi_users_select: 'selected_users',
  conversations_select: 'selected_conversation',
  channels_select: 'selected_channel',
  datepicker: 'selected_date',
  timepicker: 'selected_time',
  datetimepicker: 'selected_date_time',
};
const OPTION_FIELDS = new Set(['selected_option', 'selected_options']);
const LIST_FIELDS = new Set(['selected_options', 'selected_users']);

function optionFor(element: Json, value: string): Json {
  const groups = Array.isArray(element.option_groups) ? (element.option_groups as Json[]) : [];
  const options = [
    ...(Array.isArray(element.options) ? (element.options as Json[]) : []),
    ...groups.flatMap((g) => (Array.isArray(g.options) ? (g.options as Json[]) : [])),
  ];
  return options.find((o) => o.value === value) ?? { text: { type: 'plain_text', text: value }, value };
}

function elementState(element: Json, given: SubmittedValue | undefined): Json {
  const type = typeof element.type === 'string' ? element.type : 'plain_text_input';
  if (typeof given === 'object') return { type, ...given };
  const field = STATE_FIELD[type] ?? 'value';
  if (given === undefined) return { type, [field]: LIST_FIELDS.has(field) ? [] : null };
  const single = OPTION_FIELDS.has(field) ? optionFor(element, given) : given;
  return { type, [field]: LIST_FIELDS.has(field) ? [single] : single };
}

/** state.values for every input block of the view, as Slack sends them on submit. */
export function buildStateValues(record: FakeView, values: SubmitViewInput['values'] = {}): Json {
  const blocks = Array.isArray(record.view.blocks) ? (record.view.blocks as Json[]) : [];
  const result: Record<string, Json> = {};
  const known = new Set<string>();
  for (const block of blocks) {
    const element = block.element as Json | undefined;
    if (block.type !== 'input' || typeof element?.action_id !== 'string') continue;
    const blockId = String(block.block_id);
    known.add(blockId);
    result[blockId] = { [element.action_id]: elementState(element, values[blockId]?.[element.action_id]) };
  }
  for (const blockId of Object.keys(values)) {
    if (!known.has(blockId)) {
      throw new GoliveError(
        'slack_fake_unknown_input',
        `View ${record.id} has no input block "${blockId}" (input blocks: ${[...known].join(', ') || 'none'}); check the block_id the view sets.`,
      );
    }
  }
  return result;
}

/** A `view_submission`, as Slack posts it when someone presses the modal's submit button. */
export async function submitView(deps: DriverDeps, input: SubmitViewInput): Promise<SubmitViewResult> {
  const { state, identity } = deps;
  const record = state.views.get(input.viewId);
  if (!record?.open || record.userId !== input.userId) {
    throw new GoliveError(
      'slack_fake_view_not_open',
      `No open view ${input.viewId} for ${input.userId} in the Slack fake; take the id from fake.views after views.open.`,
    );
  }
  const triggerId = issueTrigger(deps, input.userId, input.triggerId, record.id);
  const payload: Json = {
    type: 'view_submission',
    team: teamJson(identity),
    user: userJson(identity, input.userId),
    api_app_id: identity.appId,
    token: identity.verificationToken,
    trigger_id: triggerId,
    view: viewJson(record, identity, buildStateValues(record, input.values)),
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
  const answer = await deliver(deps, 'view_submission', payloadBody(payload), input);
  if (answer.status === 200) applyViewAnswer(state, record, answer);
  return { ...answer, view: record };
}

/** What Slack does with the bot's answer to a submission. */
function applyViewAnswer(state: FakeState, record: FakeView, answer: BotAnswer): void {
  const json = typeof answer.json === 'object' && answer.json !== null ? (answer.json as Json) : {};
  const action = json.response_action;
  if (answer.text.trim() === '' || action === undefined) return closeView(state, record);
  if (action === 'errors') {
    record.lastErrors = (json.errors ?? {}) as Record<string, string>;
    state.emit({ type: 'view', view: record });
    return;
  }
  if (action === 'clear') {
    for (const view of openStack(state, record.rootViewId)) closeView(state, view);
    return;
  }
  if (action === 'update' || action === 'push') {
    const errors = checkView(json.view);
    if (errors.length > 0) {
      throw new GoliveError('slack_fake_invalid_view', `The bot answered response_action "${action}" with a view Slack would refuse: ${errors.join('; ')}`);
    }
    if (action === 'update') replaceView(state, record, json.view as Json);
    else openView(state, record.userId, json.view as Json, record);
  }
}
