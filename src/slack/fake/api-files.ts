import { type ApiMethod, fail, stringArg } from './api-types.js';
import { resolveConversation } from './identity.js';
import { slackId } from './ids.js';
import type { FakeFile, FakeMessage } from './types.js';

export function uploadPath(fileId: string): string {
  return `/slack-fake/upload/${encodeURIComponent(fileId)}`;
}

export function downloadPath(fileId: string): string {
  return `/slack-fake/files/${encodeURIComponent(fileId)}`;
}

function fileJson(file: FakeFile): Record<string, unknown> {
  return { id: file.id, name: file.filename, title: file.title, size: file.bytes?.length ?? file.length, url_private: file.downloadUrl };
}

/** Step 1 of files.uploadV2: reserve an id and say where the bytes go. */
const getUploadURLExternal: ApiMethod = (args, { state, baseUrl }) => {
  const filename = stringArg(args, 'filename');
  const length = Number(args.length);
  if (!filename) return fail('invalid_arguments', { errors: ['filename is required'] });
  if (!Number.isInteger(length) || length <= 0) return fail('invalid_arguments', { errors: ['length must be a positive integer'] });
  const id = slackId('F');
  const file: FakeFile = { id, filename, title: filename, length, downloadUrl: `${baseUrl}${downloadPath(id)}` };
  state.files.set(id, file);
  state.emit({ type: 'file', file });
  return { ok: true, upload_url: `${baseUrl}${uploadPath(id)}`, file_id: id };
};

/** Step 3 of files.uploadV2: name the uploaded files and share them in a channel. */
const completeUploadExternal: ApiMethod = (args, { state, identity }) => {
  if (!Array.isArray(args.files) || args.files.length === 0) {
    return fail('invalid_arguments', { errors: ['files must be a JSON array of {id, title}'] });
  }
  const entries = args.files as unknown[];
  const files: FakeFile[] = [];
  for (const entry of entries) {
    const id = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>).id : undefined;
    const file = typeof id === 'string' ? state.files.get(id) : undefined;
    if (!file) return fail('file_not_found');
    // The bytes must have reached upload_url first; Slack refuses to complete an empty upload.
    if (!file.bytes) return fail('file_upload_incomplete', { errors: [`no bytes were posted for ${file.id}`] });
    const title = (entry as Record<string, unknown>).title;
    if (typeof title === 'string' && title !== '') file.title = title;
    files.push(file);
  }
  const channelArg = stringArg(args, 'channel_id');
  const channel = channelArg ? resolveConversation(identity, channelArg) : undefined;
  if (channelArg && !channel) return fail('channel_not_found');
  const now = state.clock.now();
  for (const file of files) {
    file.completedAt = now;
    if (channel) file.channelId = channel;
    state.emit({ type: 'file', file });
  }
  if (channel) {
    const threadTs = stringArg(args, 'thread_ts');
    const message: FakeMessage = {
      channel,
      ts: state.nextTs(),
      text: stringArg(args, 'initial_comment') ?? '',
      user: identity.botUserId,
      botId: identity.botId,
      ...(threadTs ? { threadTs } : {}),
      files,
      updated: 0,
      postedAt: now,
      via: 'file_upload',
    };
    state.messages.push(message);
    state.emit({ type: 'message', message });
  }
  return { ok: true, files: files.map(fileJson) };
};

export const fileMethods: Record<string, ApiMethod> = {
  'files.getUploadURLExternal': getUploadURLExternal,
  'files.completeUploadExternal': completeUploadExternal,
};
