import { RespondError, type SlashCommand } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../src/clock.js';
import type { Tamper } from '../../../../src/slack/fake/bot-request.js';
import { type BoltWithFake, startBoltWithFake } from './bolt-harness.js';

describe('Slack fake driving a real Bolt app: slash commands and response_url', () => {
  let h: BoltWithFake;
  const received: { command: SlashCommand; retryNum?: number; retryReason?: string }[] = [];

  beforeAll(async () => {
    h = await startBoltWithFake((app) => {
      app.command('/golive', async ({ command, ack, respond, context }) => {
        received.push({
          command,
          ...(context.retryNum !== undefined ? { retryNum: context.retryNum } : {}),
          ...(context.retryReason !== undefined ? { retryReason: context.retryReason } : {}),
        });
        if (command.text === 'announce') {
          await ack();
          await respond({ response_type: 'in_channel', text: 'Go-live starts at 22:00' });
          return;
        }
        await ack(`hello ${command.user_name}: ${command.text}`);
      });
    });
  });

  afterAll(async () => {
    await h.close();
  });

  it('delivers a signed slash command with every field Slack sends, and records the ack', async () => {
    received.length = 0;
    const result = await h.fake.sendCommand({ text: 'status', userId: 'U0ALICE' });

    expect(result.status).toBe(200);
    expect(result.text).toBe('hello alice: status');
    expect(received).toHaveLength(1);
    const command = received[0]!.command;
    expect(command).toMatchObject({
      command: '/golive',
      text: 'status',
      user_id: 'U0ALICE',
      user_name: 'alice',
      team_id: h.fake.identity.teamId,
      team_domain: h.fake.identity.teamDomain,
      channel_id: h.fake.identity.channel.id,
      channel_name: h.fake.identity.channel.name,
      api_app_id: h.fake.identity.appId,
      response_url: result.responseUrl,
      trigger_id: result.triggerId,
      is_enterprise_install: 'false',
    });
    expect(command.token).toEqual(expect.any(String));
    expect(result.responseUrl.startsWith(`${h.fake.baseUrl}/slack-fake/response/`)).toBe(true);
    expect(h.fake.ephemerals('U0ALICE').at(-1)).toMatchObject({ text: 'hello alice: status', via: 'command_ack' });
  });

  it.each<Tamper>(['missing-signature', 'wrong-signature', 'stale', 'body-changed'])(
    'a request with tamper mode %s is refused with 401 before any listener runs',
    async (tamper) => {
      received.length = 0;
      const result = await h.fake.sendCommand({ text: 'status', userId: 'U0ALICE', tamper });
      expect(result.status).toBe(401);
      expect(received).toHaveLength(0);
    },
  );

  it('passes retry headers through to Bolt as context.retryNum / retryReason', async () => {
    received.length = 0;
    await h.fake.sendCommand({ text: 'status', userId: 'U0BOB', retryNum: 2, retryReason: 'http_timeout' });
    expect(received[0]).toMatchObject({ retryNum: 2, retryReason: 'http_timeout' });
  });

  it("records respond() posts and shows in_channel answers in the channel", async () => {
    const result = await h.fake.sendCommand({ text: 'announce', userId: 'U0ALICE' });
    expect(result.status).toBe(200);
    expect(result.text).toBe('');
    const response = await h.fake.waitFor(() => h.fake.responses.find((r) => r.body.text === 'Go-live starts at 22:00'), {
      description: 'the respond() post',
    });
    expect(response).toMatchObject({ status: 200, effect: 'posted_in_channel', body: { response_type: 'in_channel' } });
    expect(h.fake.messages(h.fake.identity.channel.id).at(-1)).toMatchObject({ text: 'Go-live starts at 22:00', via: 'response_url' });
  });

  it('refuses a response_url after 5 uses with a 404 and an error body', async () => {
    const { responseUrl } = await h.fake.sendCommand({ text: 'status', userId: 'U0ALICE' });
    const post = (text: string) =>
      fetch(responseUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ text }) });
    for (let use = 1; use <= 5; use += 1) {
      expect((await post(`update ${use}`)).status).toBe(200);
    }
    const sixth = await post('update 6');
    expect(sixth.status).toBe(404);
    expect(await sixth.json()).toEqual({ ok: false, error: 'used_url' });
    expect(h.fake.responses.at(-1)).toMatchObject({ effect: 'rejected', error: 'used_url', status: 404 });
    expect(h.fake.ephemerals('U0ALICE').filter((e) => e.text.startsWith('update '))).toHaveLength(5);
  });
});

describe('response_url lifetime follows the injected clock', () => {
  const clock = new ManualClock(new Date());
  let h: BoltWithFake;
  let allowRespond: () => void = () => {};
  const respondGate = new Promise<void>((resolve) => {
    allowRespond = resolve;
  });
  let respondOutcome: { ok: true } | { ok: false; error: unknown } | undefined;

  beforeAll(async () => {
    h = await startBoltWithFake(
      (app) => {
        app.command('/golive', async ({ ack }) => ack());
        app.action('late', async ({ ack, respond }) => {
          await ack();
          // The test moves the fake's clock past 30 minutes before this handler answers.
          await respondGate;
          try {
            await respond('too late?');
            respondOutcome = { ok: true };
          } catch (error) {
            respondOutcome = { ok: false, error };
          }
        });
      },
      { clock },
    );
  });

  afterAll(async () => {
    await h.close();
  });

  it('accepts a post within 30 minutes and refuses one after', async () => {
    const { responseUrl } = await h.fake.sendCommand({ text: '', userId: 'U0ALICE' });
    const post = (text: string) =>
      fetch(responseUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ text }) });
    clock.advance(29 * 60 * 1000);
    expect((await post('in time')).status).toBe(200);
    clock.advance(2 * 60 * 1000);
    const late = await post('late');
    expect(late.status).toBe(404);
    expect(await late.json()).toEqual({ ok: false, error: 'expired_url' });
  });

  it('makes Bolt respond() throw RespondError once the url has expired', async () => {
    const posted = await h.app.client.chat.postMessage({
      channel: h.fake.identity.channel.id,
      text: 'Late button',
      blocks: [{ type: 'actions', elements: [{ type: 'button', action_id: 'late', text: { type: 'plain_text', text: 'Late' } }] }],
    });
    const click = await h.fake.clickButton({ userId: 'U0ALICE', channel: posted.channel!, ts: posted.ts!, actionId: 'late' });
    expect(click.status).toBe(200);
    clock.advance(31 * 60 * 1000);
    allowRespond();
    await h.fake.waitFor(() => respondOutcome, { description: 'the respond() outcome' });
    expect(respondOutcome).toMatchObject({ ok: false, error: expect.any(RespondError) });
    expect(respondOutcome).toMatchObject({ error: { statusCode: 404 } });
  });
});
