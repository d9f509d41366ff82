import type { IncomingMessage, ServerResponse } from 'node:http';
import { directoryMethods } from './api-directory.js';
import { fileMethods } from './api-files.js';
import { chatMethods } from './api-chat.js';
import { viewMethods } from './api-views.js';
import { type ApiContext, type ApiMethod, type ApiResult, fail } from './api-types.js';
import { parseApiArgs, readBody, sendJson } from './http-util.js';

const METHODS: Record<string, ApiMethod> = {
  ...directoryMethods,
  ...chatMethods,
  ...viewMethods,
  ...fileMethods,
};

/**
 * `POST /slack-fake/api/:method`. Like Slack, every answer is HTTP 200 with `ok`;
 * WebClient turns `ok: false` into a platform error carrying `error`.
 */
export async function handleApiCall(
  req: IncomingMessage,
  res: ServerResponse,
  method: string,
  ctx: ApiContext & { botToken: string },
): Promise<void> {
  const body = await readBody(req);
  let args: Record<string, unknown> | undefined;
  try {
    args = parseApiArgs(body, req.headers['content-type']);
  } catch {
    // Only a body that does not parse lands here; a bug in a method reaches the router's 500.
  }
  const result = args ? answer(req, method, args, ctx) : fail('invalid_json');
  args ??= {};
  const call = {
    method,
    args,
    at: ctx.state.clock.now(),
    ok: result.ok,
    ...(result.error ? { error: result.error } : {}),
  };
  ctx.state.calls.push(call);
  ctx.state.emit({ type: 'call', call });
  sendJson(res, 200, result);
}

function answer(req: IncomingMessage, method: string, args: Record<string, unknown>, ctx: ApiContext & { botToken: string }): ApiResult {
  if (req.headers.authorization !== `Bearer ${ctx.botToken}`) return fail('invalid_auth');
  const handler = METHODS[method];
  if (!handler) return fail('unknown_method');
  return handler(args, ctx);
}
