import type { IncomingMessage, ServerResponse } from 'node:http';

/** Big enough for any file a go-live uploads (reports, CSVs); Slack's own limit is far higher. */
const BODY_LIMIT_BYTES = 50 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += buffer.length;
    if (size > BODY_LIMIT_BYTES) throw new Error(`request body larger than ${BODY_LIMIT_BYTES} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export interface MultipartPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

/** Enough of RFC 7578 for what fetch's FormData sends: parts with a Content-Disposition name. */
export function parseMultipart(body: Buffer, contentType: string): MultipartPart[] {
  const match = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary) return [];
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: MultipartPart[] = [];
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const afterDelimiter = start + delimiter.length;
    // `--boundary--` closes the body.
    if (body.subarray(afterDelimiter, afterDelimiter + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, afterDelimiter);
    if (next === -1) break;
    // Each part: CRLF, headers, CRLF CRLF, data, CRLF, then the next delimiter.
    const part = body.subarray(afterDelimiter + 2, next - 2);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd !== -1) {
      const headers = part.subarray(0, headerEnd).toString('utf8');
      const name = /name="([^"]*)"/i.exec(headers)?.[1];
      if (name !== undefined) {
        const filename = /filename="([^"]*)"/i.exec(headers)?.[1];
        const type = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1];
        parts.push({
          name,
          ...(filename !== undefined ? { filename } : {}),
          ...(type !== undefined ? { contentType: type.trim() } : {}),
          data: Buffer.from(part.subarray(headerEnd + 4)),
        });
      }
    }
    start = next;
  }
  return parts;
}

/** Fields WebClient flattens to JSON strings inside a form body. */
const JSON_FIELDS = new Set(['blocks', 'attachments', 'view', 'files', 'metadata', 'file_uploads']);

function decodeField(name: string, value: string): unknown {
  if (!JSON_FIELDS.has(name)) return value;
  try {
    return JSON.parse(value);
  } catch {
    // Slack would answer invalid_arguments / invalid_blocks_format; the route reports it.
    return value;
  }
}

/** Web API arguments from a form-urlencoded, multipart or JSON body. */
export function parseApiArgs(body: Buffer, contentType: string | undefined): Record<string, unknown> {
  const type = (contentType ?? '').toLowerCase();
  if (type.startsWith('application/json')) {
    const text = body.toString('utf8');
    if (text.trim() === '') return {};
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  }
  const args: Record<string, unknown> = {};
  if (type.startsWith('multipart/form-data')) {
    for (const part of parseMultipart(body, contentType ?? '')) {
      args[part.name] = part.filename !== undefined ? part.data : decodeField(part.name, part.data.toString('utf8'));
    }
    return args;
  }
  for (const [name, value] of new URLSearchParams(body.toString('utf8'))) {
    args[name] = decodeField(name, value);
  }
  return args;
}
