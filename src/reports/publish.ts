import { createHash } from 'node:crypto';
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../logger.js';
import type { ReportRecord, ReportStore } from '../store/reports.js';
import type { BuiltDocument, ReportFile } from './types.js';

/**
 * Upload built documents to the channel with files.uploadV2 (Slack's three
 * requests: files.getUploadURLExternal, POST the bytes to upload_url,
 * files.completeUploadExternal), then record each document against its run.
 *
 * Idempotent under BullMQ's at-least-once delivery: a document already
 * recorded for the run with the same bytes is not uploaded again. (A worker
 * that dies between the upload and the record uploads that batch twice.)
 */

/** Files per files.uploadV2 call: one channel message shows a handful at most. */
export const FILES_PER_MESSAGE = 10;

export interface PublishInput {
  runId: number;
  planId: string;
  checkpointId: string;
  channelId: string;
  documents: BuiltDocument[];
  /** The first message's text; later batches say they continue it. */
  summary: string;
  generatedBy: string;
  generatedAt: Date;
}

export interface PublishResult {
  uploaded: BuiltDocument[];
  unchanged: BuiltDocument[];
  records: ReportRecord[];
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export async function publishDocuments(deps: { client: WebClient; reports: ReportStore; logger: Logger }, input: PublishInput): Promise<PublishResult> {
  const existing = new Map((await deps.reports.forRun(input.runId)).map((r) => [r.documentId, r]));
  const unchanged = input.documents.filter((d) => existing.get(d.documentId)?.sha256 === sha256(d.markdown.bytes));
  const pending = input.documents.filter((d) => !unchanged.includes(d));
  const records: ReportRecord[] = [];

  const batches = batchesOf(pending);
  for (const [index, batch] of batches.entries()) {
    const files = batch.flatMap((d) => [d.markdown, ...d.attachments]);
    const comment = index === 0 ? input.summary : `(continued, ${index + 1}/${batches.length})`;
    const response = await deps.client.filesUploadV2({
      channel_id: input.channelId,
      initial_comment: comment,
      file_uploads: files.map((f) => ({ file: f.bytes, filename: f.filename, title: f.title, ...(f.altText ? { alt_text: f.altText } : {}) })),
    });
    const ids = fileIdsByName(response);
    for (const d of batch) {
      const record: ReportRecord = {
        runId: input.runId,
        planId: input.planId,
        checkpointId: input.checkpointId,
        documentId: d.documentId,
        title: d.title,
        kind: d.kind,
        sha256: sha256(d.markdown.bytes),
        fileId: requireId(ids, d.markdown),
        filename: d.markdown.filename,
        attachments: d.attachments.map((a) => ({ filename: a.filename, fileId: requireId(ids, a), sha256: sha256(a.bytes), bytes: a.bytes.length })),
        generatedBy: input.generatedBy,
        generatedAt: input.generatedAt,
      };
      await deps.reports.record(record);
      records.push(record);
    }
    deps.logger.info({ runId: input.runId, files: files.length, batch: index + 1 }, 'report files uploaded');
  }
  return { uploaded: pending, unchanged, records };
}

/** Documents kept whole, at most FILES_PER_MESSAGE files per batch. */
export function batchesOf(documents: BuiltDocument[]): BuiltDocument[][] {
  const batches: BuiltDocument[][] = [];
  let current: BuiltDocument[] = [];
  let count = 0;
  for (const d of documents) {
    const n = 1 + d.attachments.length;
    if (current.length && count + n > FILES_PER_MESSAGE) {
      batches.push(current);
      current = [];
      count = 0;
    }
    current.push(d);
    count += n;
  }
  if (current.length) batches.push(current);
  return batches;
}

function fileIdsByName(response: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const completions = (response as { files?: unknown[] }).files ?? [];
  for (const c of completions) {
    for (const f of ((c as { files?: unknown[] }).files ?? []) as { id?: string; name?: string; title?: string }[]) {
      if (f.id && f.name) out.set(f.name, f.id);
    }
  }
  return out;
}

function requireId(ids: Map<string, string>, file: ReportFile): string {
  const id = ids.get(file.filename);
  if (!id) throw new Error(`Slack did not confirm the upload of ${file.filename}`);
  return id;
}
