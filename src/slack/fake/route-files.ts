import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseMultipart, readBody, sendText } from './http-util.js';
import type { FakeState } from './state.js';

/**
 * Step 2 of files.uploadV2: WebClient posts the bytes to upload_url as multipart form data
 * (one part named `body`, see WebClient.serializeBody); other clients send `file` or raw bytes.
 */
export async function handleUpload(req: IncomingMessage, res: ServerResponse, fileId: string, state: FakeState): Promise<void> {
  const body = await readBody(req);
  const file = state.files.get(fileId);
  if (!file) return sendText(res, 404, `no upload was reserved for ${fileId}`);
  const contentType = req.headers['content-type'] ?? '';
  let bytes = body;
  if (contentType.toLowerCase().startsWith('multipart/form-data')) {
    const parts = parseMultipart(body, contentType);
    const part = parts.find((p) => p.name === 'body' || p.name === 'file') ?? parts.find((p) => p.filename !== undefined);
    if (!part) return sendText(res, 400, 'multipart upload without a `body` or `file` part');
    bytes = part.data;
  }
  file.bytes = bytes;
  file.uploadedAt = state.clock.now();
  state.emit({ type: 'file', file });
  sendText(res, 200, `OK - ${bytes.length}`);
}

export function handleDownload(res: ServerResponse, fileId: string, state: FakeState): void {
  const file = state.files.get(fileId);
  if (!file?.bytes) return sendText(res, 404, `file ${fileId} was not uploaded`);
  res.writeHead(200, {
    'content-type': 'application/octet-stream',
    'content-length': file.bytes.length,
    'content-disposition': `attachment; filename="${file.filename.replace(/"/g, '')}"`,
  });
  res.end(file.bytes);
}
