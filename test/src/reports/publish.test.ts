import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/logger.js';
import { batchesOf, FILES_PER_MESSAGE, publishDocuments, sha256 } from '../../../src/reports/publish.js';
import type { BuiltDocument } from '../../../src/reports/types.js';
import { createSlackClient } from '../../../src/slack/poster.js';
import { createSlackFake, type SlackFake } from '../../../src/slack/fake/slack-fake.js';
import { createStore, type Store } from '../../../src/store/index.js';
import { createTestStateDb, type TestStateDb } from '../../support/state-db.js';

/**
 * Uploading is files.uploadV2's three requests per file against the fake,
 * in messages of at most ten files, and a second delivery of the same job
 * uploads nothing already recorded with the same bytes.
 */
describe('publishDocuments', () => {
  let db: TestStateDb;
  let store: Store;
  let fake: SlackFake;
  let runId: number;

  const doc = (id: string, attachments = 0, body = `# ${id}\n`): BuiltDocument => ({
    documentId: id,
    title: id,
    kind: 'generated',
    required: true,
    markdown: { filename: `r-${id}.md`, title: id, mimetype: 'text/markdown', bytes: Buffer.from(body) },
    attachments: Array.from({ length: attachments }, (_, i) => ({ filename: `r-${id}-${i}.csv`, title: `${id} ${i}`, mimetype: 'text/csv', bytes: Buffer.from(`a,b\r\n${i},2\r\n`) })),
    personMustAdd: [],
  });

  beforeAll(async () => {
    db = await createTestStateDb('publish');
    store = createStore(db.pool);
    fake = createSlackFake({ signingSecret: 's', botToken: 'xoxb-publish' });
    await fake.listen();
    ({ run: { id: runId } } = await store.runs.create({ planId: 'demo', checkpointId: 'cp2', startedBy: 'U1' }));
  });
  afterAll(async () => {
    await fake?.close();
    await db?.drop();
  });

  it('keeps a document and its attachments in one message, ten files at most', () => {
    const batches = batchesOf([doc('a', 3), doc('b', 3), doc('c', 3), doc('d')]);
    expect(batches.map((b) => b.map((d) => d.documentId))).toEqual([['a', 'b'], ['c', 'd']]);
    for (const b of batches) expect(b.reduce((n, d) => n + 1 + d.attachments.length, 0)).toBeLessThanOrEqual(FILES_PER_MESSAGE);
  });

  it('uploads through the three requests, records each document, and skips unchanged ones when delivered again', async () => {
    const client = createSlackClient({ token: 'xoxb-publish', apiUrl: fake.apiUrl, retries: 0 });
    const deps = { client, reports: store.reports, logger: silentLogger() };
    const input = { runId, planId: 'demo', checkpointId: 'cp2', channelId: fake.identity.channel.id, summary: 'the documents', generatedBy: 'U1', generatedAt: new Date() };
    const documents = [doc('one', 1), doc('two', 4), doc('three', 6)];

    const first = await publishDocuments(deps, { ...input, documents });
    expect(first.uploaded.map((d) => d.documentId)).toEqual(['one', 'two', 'three']);
    const methods = fake.calls.map((c) => c.method);
    expect(methods.filter((m) => m === 'files.getUploadURLExternal')).toHaveLength(14);
    expect(methods.filter((m) => m === 'files.completeUploadExternal')).toHaveLength(2);
    const messages = fake.messages(fake.identity.channel.id);
    expect(messages.map((m) => m.text)).toEqual(['the documents', '(continued, 2/2)']);
    for (const f of fake.files) expect(f.bytes?.length).toBe(f.length);

    const records = await store.reports.forRun(runId);
    expect(records.map((r) => r.documentId).sort()).toEqual(['one', 'three', 'two']);
    expect(records.find((r) => r.documentId === 'two')!.attachments).toHaveLength(4);
    expect(records.find((r) => r.documentId === 'one')!.sha256).toBe(sha256(Buffer.from('# one\n')));

    const calls = fake.calls.length;
    const again = await publishDocuments(deps, { ...input, documents: [doc('one', 1), doc('two', 4), doc('three', 6, '# three, changed\n')] });
    expect(again.unchanged.map((d) => d.documentId)).toEqual(['one', 'two']);
    expect(again.uploaded.map((d) => d.documentId)).toEqual(['three']);
    expect(fake.calls.slice(calls).filter((c) => c.method === 'files.getUploadURLExternal')).toHaveLength(7);
    const three = (await store.reports.forRun(runId)).find((r) => r.documentId === 'three')!;
    expect(three.sha256).toBe(sha256(Buffer.from('# three, changed\n')));
  });
});
