import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BoltWithFake, startBoltWithFake } from './bolt-harness.js';

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

describe("Slack fake as the Web API behind Bolt's client", () => {
  let h: BoltWithFake;
  let channel: string;

  beforeAll(async () => {
    h = await startBoltWithFake((app) => {
      // A listener that uses the listener-scoped client, as golive's handlers do.
      app.command('/golive', async ({ ack, client, command }) => {
        await ack();
        const posted = await client.chat.postMessage({
          channel: command.channel_id,
          text: 'Checkpoint 1: pending',
          blocks: [section('*Checkpoint 1* pending')],
        });
        await client.chat.update({
          channel: posted.channel!,
          ts: posted.ts!,
          text: 'Checkpoint 1: passed',
          blocks: [section('*Checkpoint 1* passed')],
        });
      });
    });
    channel = h.fake.identity.channel.id;
  });

  afterAll(async () => {
    await h.close();
  });

  it('records chat.postMessage and chat.update made from a listener', async () => {
    await h.fake.sendCommand({ text: 'run', userId: 'U0ALICE' });
    const message = await h.fake.waitFor(() => h.fake.messages(channel).find((m) => m.updated === 1), {
      description: 'the updated checkpoint message',
    });
    expect(message.text).toBe('Checkpoint 1: passed');
    expect(message.blocks?.[0]).toMatchObject({ type: 'section', text: { text: '*Checkpoint 1* passed' } });
    expect(message.blocks?.[0]?.block_id).toEqual(expect.any(String));
    expect(message.ts).toMatch(/^\d{10}\.\d{6}$/);
    const methods = h.fake.calls.map((c) => c.method);
    expect(methods).toEqual(expect.arrayContaining(['chat.postMessage', 'chat.update']));
    const postCall = h.fake.calls.find((c) => c.method === 'chat.postMessage');
    // WebClient sends blocks as a JSON string inside a form field; the fake records them parsed.
    expect(postCall?.args.blocks).toEqual([section('*Checkpoint 1* pending')]);
  });

  it('completes filesUploadV2 through its three requests and serves the bytes back', async () => {
    const content = 'checkpoint,status\n1,passed\n2,failed\n';
    const result = await h.app.client.filesUploadV2({
      channel_id: channel,
      filename: 'report.csv',
      title: 'Go-live report',
      content,
      initial_comment: 'Report attached',
    });
    expect(result.ok).toBe(true);
    const methods = h.fake.calls.map((c) => c.method);
    expect(methods).toEqual(expect.arrayContaining(['files.getUploadURLExternal', 'files.completeUploadExternal']));
    const file = h.fake.files.find((f) => f.filename === 'report.csv');
    expect(file).toMatchObject({ title: 'Go-live report', length: Buffer.byteLength(content), channelId: channel });
    expect(file?.bytes?.toString('utf8')).toBe(content);

    const download = await fetch(file!.downloadUrl);
    expect(download.status).toBe(200);
    expect(await download.text()).toBe(content);

    const message = h.fake.messages(channel).find((m) => m.files.some((f) => f.id === file!.id));
    expect(message).toMatchObject({ text: 'Report attached', via: 'file_upload' });
  });

  it('answers invalid_blocks for blocks Slack would refuse, which WebClient raises', async () => {
    const tooMany = Array.from({ length: 51 }, (_, i) => section(`line ${i}`));
    await expect(h.app.client.chat.postMessage({ channel, text: 'many', blocks: tooMany })).rejects.toMatchObject({
      code: 'slack_webapi_platform_error',
      data: { ok: false, error: 'invalid_blocks', errors: [expect.stringContaining('no more than 50 items')] },
    });
    await expect(h.app.client.chat.postMessage({ channel, blocks: [section('no fallback')] })).rejects.toMatchObject({
      data: { error: 'invalid_blocks', errors: [expect.stringContaining('missing text fallback')] },
    });
    expect(h.fake.calls.at(-1)).toMatchObject({ method: 'chat.postMessage', ok: false, error: 'invalid_blocks' });
  });
});
