import type { BlockAction, ButtonAction, ViewSubmitAction } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BoltWithFake, startBoltWithFake } from './bolt-harness.js';

const approvalBlocks = [
  { type: 'section', block_id: 'summary', text: { type: 'mrkdwn', text: 'Approve checkpoint 3?' } },
  {
    type: 'actions',
    block_id: 'decision',
    elements: [
      { type: 'button', action_id: 'approve', value: 'checkpoint-3', style: 'primary', text: { type: 'plain_text', text: 'Approve' } },
      { type: 'button', action_id: 'reject', value: 'checkpoint-3', text: { type: 'plain_text', text: 'Reject' } },
    ],
  },
];

const abortModal = {
  type: 'modal',
  callback_id: 'abort_modal',
  private_metadata: JSON.stringify({ run: 42 }),
  title: { type: 'plain_text', text: 'Abort go-live' },
  submit: { type: 'plain_text', text: 'Abort' },
  blocks: [
    {
      type: 'input',
      block_id: 'reason',
      label: { type: 'plain_text', text: 'Reason' },
      element: { type: 'plain_text_input', action_id: 'reason_input' },
    },
    {
      type: 'input',
      block_id: 'severity',
      label: { type: 'plain_text', text: 'Severity' },
      element: {
        type: 'static_select',
        action_id: 'severity_select',
        options: [
          { text: { type: 'plain_text', text: 'Low' }, value: 'low' },
          { text: { type: 'plain_text', text: 'High' }, value: 'high' },
        ],
      },
    },
  ],
};

describe('Slack fake sending interactions to a real Bolt app', () => {
  let h: BoltWithFake;
  let channel: string;
  const actions: BlockAction<ButtonAction>[] = [];
  const submissions: ViewSubmitAction[] = [];

  beforeAll(async () => {
    h = await startBoltWithFake((app) => {
      app.action<BlockAction<ButtonAction>>('approve', async ({ ack, body, respond }) => {
        await ack();
        actions.push(body);
        await respond({ replace_original: true, text: 'Checkpoint 3 approved' });
      });
      app.action<BlockAction<ButtonAction>>('dismiss', async ({ ack, body, respond }) => {
        await ack();
        actions.push(body);
        await respond({ delete_original: true });
      });
      app.command('/golive', async ({ ack, client, command }) => {
        await ack();
        if (command.text === 'ask') {
          await client.chat.postEphemeral({
            channel: command.channel_id,
            user: command.user_id,
            text: 'Dismiss this hint',
            blocks: [{ type: 'actions', block_id: 'hint', elements: [{ type: 'button', action_id: 'dismiss', text: { type: 'plain_text', text: 'Dismiss' } }] }],
          });
          return;
        }
        await client.views.open({ trigger_id: command.trigger_id, view: abortModal as never });
      });
      app.view<ViewSubmitAction>('abort_modal', async ({ ack, view, body }) => {
        submissions.push(body);
        const reason = view.state.values.reason?.reason_input?.value ?? '';
        if (reason.length < 10) {
          await ack({ response_action: 'errors', errors: { reason: 'Say why in at least 10 characters' } });
          return;
        }
        await ack();
      });
    });
    channel = h.fake.identity.channel.id;
  });

  afterAll(async () => {
    await h.close();
  });

  it('clicks a button of a recorded message: the action carries its ids and the respond() replaces it', async () => {
    const posted = await h.app.client.chat.postMessage({ channel, text: 'Approve checkpoint 3?', blocks: approvalBlocks });
    const result = await h.fake.clickButton({ userId: 'U0BOB', channel, ts: posted.ts!, actionId: 'approve' });
    expect(result.status).toBe(200);

    await h.fake.waitFor(() => actions.length === 1, { description: 'the approve action' });
    const body = actions[0]!;
    expect(body).toMatchObject({
      type: 'block_actions',
      user: { id: 'U0BOB', username: 'bob', name: 'bob', team_id: h.fake.identity.teamId },
      api_app_id: h.fake.identity.appId,
      container: { type: 'message', message_ts: posted.ts, channel_id: channel, is_ephemeral: false },
      trigger_id: result.triggerId,
      team: { id: h.fake.identity.teamId },
      channel: { id: channel, name: h.fake.identity.channel.name },
      message: { ts: posted.ts, text: 'Approve checkpoint 3?' },
      state: { values: {} },
      response_url: result.responseUrl,
    });
    expect(body.actions).toEqual([
      expect.objectContaining({ action_id: 'approve', block_id: 'decision', value: 'checkpoint-3', type: 'button', action_ts: expect.any(String) }),
    ]);
    expect(body.message?.blocks).toHaveLength(2);

    const replaced = await h.fake.waitFor(() => h.fake.messages(channel).find((m) => m.ts === posted.ts && m.updated === 1), {
      description: 'the replaced message',
    });
    expect(replaced.text).toBe('Checkpoint 3 approved');
    expect(h.fake.responses.at(-1)).toMatchObject({ effect: 'replaced', target: { channel, ts: posted.ts, ephemeral: false } });
  });

  it('refuses to click a button the message does not have, naming the ones it has', async () => {
    const posted = await h.app.client.chat.postMessage({ channel, text: 'Approve?', blocks: approvalBlocks });
    await expect(h.fake.clickButton({ userId: 'U0BOB', channel, ts: posted.ts!, actionId: 'rollback' })).rejects.toThrow(
      /no button with action_id "rollback".*approve, reject/,
    );
  });

  it('submits a modal: errors come back to the fake, a valid submission closes it', async () => {
    const { triggerId } = await h.fake.sendCommand({ text: 'abort', userId: 'U0ALICE' });
    const opened = await h.fake.waitFor(() => h.fake.views.find((v) => v.view.callback_id === 'abort_modal'), {
      description: 'the abort modal',
    });
    expect(opened).toMatchObject({ userId: 'U0ALICE', open: true });
    expect(h.fake.calls.find((c) => c.method === 'views.open')?.args.trigger_id).toBe(triggerId);

    const refused = await h.fake.submitView({
      userId: 'U0ALICE',
      viewId: opened.id,
      values: { reason: { reason_input: 'meh' }, severity: { severity_select: 'high' } },
    });
    expect(refused.status).toBe(200);
    expect(refused.json).toEqual({ response_action: 'errors', errors: { reason: 'Say why in at least 10 characters' } });
    expect(refused.view).toMatchObject({ open: true, lastErrors: { reason: 'Say why in at least 10 characters' } });

    const sent = submissions[0]!;
    expect(sent.view).toMatchObject({
      id: opened.id,
      callback_id: 'abort_modal',
      private_metadata: JSON.stringify({ run: 42 }),
      state: {
        values: {
          reason: { reason_input: { type: 'plain_text_input', value: 'meh' } },
          severity: { severity_select: { type: 'static_select', selected_option: { value: 'high', text: { text: 'High' } } } },
        },
      },
    });
    expect(sent.user.id).toBe('U0ALICE');

    const accepted = await h.fake.submitView({
      userId: 'U0ALICE',
      viewId: opened.id,
      values: { reason: { reason_input: 'replication lag above 30 s' } },
    });
    expect(accepted.status).toBe(200);
    expect(accepted.text).toBe('');
    expect(accepted.view.open).toBe(false);
  });

  it('clicks a button in an ephemeral: no message in the payload, delete_original removes it', async () => {
    actions.length = 0;
    await h.fake.sendCommand({ text: 'ask', userId: 'U0ALICE' });
    const hint = await h.fake.waitFor(() => h.fake.ephemerals('U0ALICE').find((e) => e.text === 'Dismiss this hint'), {
      description: 'the ephemeral hint',
    });
    await h.fake.clickButton({ userId: 'U0ALICE', channel, ts: hint.ts, actionId: 'dismiss' });
    await h.fake.waitFor(() => actions.length === 1, { description: 'the dismiss action' });
    expect(actions[0]).toMatchObject({ container: { is_ephemeral: true, message_ts: hint.ts, channel_id: channel } });
    expect(actions[0]!.message).toBeUndefined();
    await h.fake.waitFor(() => !h.fake.ephemerals('U0ALICE').some((e) => e.ts === hint.ts), { description: 'the hint to go' });
    expect(h.fake.responses.at(-1)).toMatchObject({ effect: 'deleted', target: { ts: hint.ts, ephemeral: true } });
    // Someone else cannot click what only Alice sees.
    await expect(h.fake.clickButton({ userId: 'U0BOB', channel, ts: hint.ts, actionId: 'dismiss' })).rejects.toThrow(/no message/);
  });

  it('saw no listener errors along the way', () => {
    expect(h.errors).toEqual([]);
  });

  it('refuses views.open with a trigger_id the fake never issued', async () => {
    await expect(h.app.client.views.open({ trigger_id: '1.2.made-up', view: abortModal as never })).rejects.toMatchObject({
      data: { error: 'invalid_trigger_id' },
    });
  });
});
