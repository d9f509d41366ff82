import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSlackFake, type SlackFake } from '../../../../src/slack/fake/slack-fake.js';
import type { SlackFakeEvent } from '../../../../src/slack/fake/types.js';

const TOKEN = 'xoxb-web-api-test';

describe('Slack fake Web API over plain HTTP', () => {
  let fake: SlackFake;
  let channel: string;

  const call = async (method: string, args: Record<string, unknown>, token: string | null = TOKEN) => {
    const response = await fetch(`${fake.apiUrl}${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(args),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as Record<string, unknown> & { ok: boolean; error?: string; errors?: string[] };
  };

  beforeAll(async () => {
    fake = createSlackFake({
      signingSecret: 'unused',
      botToken: TOKEN,
      channel: { id: 'C0OPS', name: 'ops' },
      users: [{ id: 'U0LEAD', name: 'lead' }],
      usergroups: { S0DBA: ['U0LEAD', 'U0DBA2'] },
    });
    await fake.listen();
    channel = fake.identity.channel.id;
  });

  beforeEach(() => fake.reset());

  afterAll(async () => {
    await fake.close();
  });

  it('ends apiUrl with a slash so WebClient can append method names', () => {
    expect(fake.apiUrl).toBe(`${fake.baseUrl}/slack-fake/api/`);
  });

  it('refuses calls without the bot token and records them', async () => {
    expect(await call('auth.test', {}, null)).toEqual({ ok: false, error: 'invalid_auth' });
    expect(await call('auth.test', {}, 'xoxb-someone-else')).toEqual({ ok: false, error: 'invalid_auth' });
    expect(fake.calls).toHaveLength(2);
    expect(fake.calls[0]).toMatchObject({ method: 'auth.test', ok: false, error: 'invalid_auth', at: expect.any(Date) });
  });

  it('answers unknown_method for methods it does not implement', async () => {
    expect(await call('admin.teams.create', {})).toEqual({ ok: false, error: 'unknown_method' });
  });

  it('accepts form-urlencoded bodies with JSON fields, as WebClient sends them', async () => {
    const body = new URLSearchParams({ channel, text: 'hi', blocks: JSON.stringify([{ type: 'divider' }]) }).toString();
    const response = await fetch(`${fake.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: `Bearer ${TOKEN}` },
      body,
    });
    const json = (await response.json()) as { ok: boolean; ts: string; message: { blocks: unknown[] } };
    expect(json.ok).toBe(true);
    expect(json.message.blocks).toEqual([{ type: 'divider', block_id: expect.any(String) }]);
    expect(fake.messages(channel)[0]).toMatchObject({ ts: json.ts, text: 'hi' });
  });

  it('gives messages Slack-shaped, strictly increasing ts values', async () => {
    const tss: string[] = [];
    for (let i = 0; i < 5; i += 1) tss.push(String((await call('chat.postMessage', { channel, text: `m${i}` })).ts));
    for (const ts of tss) expect(ts).toMatch(/^\d{10}\.\d{6}$/);
    const asNumbers = tss.map((ts) => BigInt(ts.replace('.', '')));
    for (let i = 1; i < asNumbers.length; i += 1) expect(asNumbers[i]! > asNumbers[i - 1]!).toBe(true);
  });

  it('checks chat.postMessage arguments like Slack', async () => {
    expect(await call('chat.postMessage', { channel: 'C0NOWHERE', text: 'x' })).toMatchObject({ error: 'channel_not_found' });
    expect(await call('chat.postMessage', { channel })).toMatchObject({ error: 'no_text' });
    const byName = await call('chat.postMessage', { channel: '#ops', text: 'by name' });
    expect(byName).toMatchObject({ ok: true, channel, message: { text: 'by name', user: fake.identity.botUserId } });
    const dm = await call('chat.postMessage', { channel: 'U0LEAD', text: 'direct' });
    expect(fake.messages('U0LEAD')).toMatchObject([{ ts: dm.ts, text: 'direct' }]);
  });

  it('updates and deletes existing messages only', async () => {
    expect(await call('chat.update', { channel, ts: '1700000000.000100', text: 'x' })).toMatchObject({ error: 'message_not_found' });
    const posted = await call('chat.postMessage', { channel, text: 'v1', blocks: [{ type: 'divider' }] });
    const updated = await call('chat.update', { channel, ts: posted.ts, text: 'v2' });
    expect(updated).toMatchObject({ ok: true, ts: posted.ts, text: 'v2' });
    // What the update leaves out (here: blocks) stays, as in Slack.
    expect(fake.messages(channel)[0]).toMatchObject({ text: 'v2', updated: 1, blocks: [{ type: 'divider' }] });
    expect(await call('chat.delete', { channel, ts: posted.ts })).toMatchObject({ ok: true });
    expect(fake.messages(channel)).toHaveLength(0);
    expect(await call('chat.delete', { channel, ts: posted.ts })).toMatchObject({ error: 'message_not_found' });
  });

  it('stores ephemerals for the one user who sees them', async () => {
    const result = await call('chat.postEphemeral', { channel, user: 'U0LEAD', text: 'only you' });
    expect(result).toMatchObject({ ok: true, message_ts: expect.any(String) });
    expect(fake.ephemerals('U0LEAD')).toMatchObject([{ text: 'only you', channel, ts: result.message_ts, via: 'api' }]);
    expect(fake.ephemerals('U0OTHER')).toEqual([]);
    expect(fake.messages(channel)).toEqual([]);
  });

  it('serves auth.test, users.info, conversations.info and usergroups.users.list from its options', async () => {
    expect(await call('auth.test', {})).toMatchObject({ ok: true, user_id: fake.identity.botUserId, bot_id: fake.identity.botId });
    expect(await call('users.info', { user: 'U0LEAD' })).toMatchObject({ ok: true, user: { id: 'U0LEAD', name: 'lead' } });
    expect(await call('users.info', { user: 'U0GHOST' })).toMatchObject({ error: 'user_not_found' });
    expect(await call('conversations.info', { channel })).toMatchObject({ ok: true, channel: { id: channel, name: 'ops' } });
    expect(await call('conversations.info', { channel: 'C0NOPE' })).toMatchObject({ error: 'channel_not_found' });
    expect(await call('usergroups.users.list', { usergroup: 'S0DBA' })).toEqual({ ok: true, users: ['U0LEAD', 'U0DBA2'] });
    expect(await call('usergroups.users.list', { usergroup: 'S0NONE' })).toMatchObject({ error: 'no_such_subteam' });
  });

  it('takes raw uploads and refuses to complete a file whose bytes never arrived', async () => {
    const reserved = await call('files.getUploadURLExternal', { filename: 'plan.yaml', length: 5 });
    expect(reserved.upload_url).toBe(`${fake.baseUrl}/slack-fake/upload/${String(reserved.file_id)}`);
    expect(await call('files.completeUploadExternal', { files: [{ id: reserved.file_id }], channel_id: channel })).toMatchObject({
      error: 'file_upload_incomplete',
    });
    const upload = await fetch(String(reserved.upload_url), { method: 'POST', body: 'a: 1\n' });
    expect(upload.status).toBe(200);
    const done = await call('files.completeUploadExternal', { files: [{ id: reserved.file_id, title: 'Plan' }], channel_id: channel });
    expect(done).toMatchObject({ ok: true, files: [{ id: reserved.file_id, title: 'Plan' }] });
    expect(await (await fetch(`${fake.baseUrl}/slack-fake/files/${String(reserved.file_id)}`)).text()).toBe('a: 1\n');
    expect((await fetch(`${fake.baseUrl}/slack-fake/files/F0MISSING`)).status).toBe(404);
    expect(await call('files.getUploadURLExternal', { filename: 'x' })).toMatchObject({ error: 'invalid_arguments' });
  });

  it('tells subscribers about every change and forgets everything on reset', async () => {
    const events: SlackFakeEvent['type'][] = [];
    const unsubscribe = fake.subscribe((event) => events.push(event.type));
    await call('chat.postMessage', { channel, text: 'watched' });
    expect(events).toEqual(['message', 'call']);
    fake.reset();
    expect(events.at(-1)).toBe('reset');
    expect(fake.calls).toEqual([]);
    expect(fake.messages()).toEqual([]);
    unsubscribe();
    await call('auth.test', {});
    expect(events.at(-1)).toBe('reset');
  });

  it('rejects waitFor with a message that says what was awaited and what the fake saw', async () => {
    await call('auth.test', {});
    await expect(fake.waitFor(() => false, { timeoutMs: 50, description: 'a message that never comes' })).rejects.toThrow(
      /waitFor timed out after 50 ms waiting for a message that never comes: the fake recorded 1 API calls \(last: auth\.test\)/,
    );
  });
});
