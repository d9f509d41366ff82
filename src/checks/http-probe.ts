import { redactUrl } from '../redact.js';
import { elapsedMs } from './pg-session.js';
import { defineCheck, type CheckContext, type RawOutcome } from './types.js';

const BODY_EXCERPT = 300;

/**
 * A monitoring or application endpoint answers as the plan expects: the
 * status, a text in the body, a JSON field's value or length. The bearer
 * token comes from the variable the plan's endpoint names, never from the
 * plan, and is never shown.
 */
export const httpProbeCheck = defineCheck({
  type: 'http_probe',
  defaultTimeoutMs: 10_000,
  async run(params, ctx): Promise<RawOutcome> {
    const target = resolveTarget(params, ctx);
    if ('problem' in target) return { status: 'error', observed: { ok: false }, evidence: {}, message: target.problem };
    const shownUrl = redactUrl(target.url);
    const headers: Record<string, string> = { accept: 'application/json, text/plain, */*' };
    if (target.token) headers.authorization = `Bearer ${target.token}`;
    const started = performance.now();
    let res: Response;
    let body: string;
    try {
      res = await fetch(target.url, { method: params.method, headers, signal: ctx.signal, redirect: 'manual' });
      body = params.method === 'HEAD' ? '' : await res.text();
    } catch (err) {
      const reason = describeFetchError(err);
      return { status: 'error', observed: { ok: false, status: null, ms: elapsedMs(started) }, evidence: { url: shownUrl, error: reason }, message: `${shownUrl}: ${reason}` };
    }
    const ms = elapsedMs(started);
    const problems: string[] = [];
    if (!params.expect_status.includes(res.status)) problems.push(`answered ${res.status}, expected ${params.expect_status.join(' or ')}`);
    if (params.body_contains !== undefined && !body.includes(params.body_contains)) problems.push(`body does not contain ${JSON.stringify(params.body_contains)}`);
    let jsonValue: unknown;
    if (params.json) {
      const found = readJsonPath(body, params.json.path);
      if ('problem' in found) problems.push(found.problem);
      else {
        jsonValue = found.value;
        if (params.json.equals !== undefined && found.value !== params.json.equals) {
          problems.push(`${params.json.path} is ${JSON.stringify(found.value)}, expected ${JSON.stringify(params.json.equals)}`);
        }
        if (params.json.min_items !== undefined) {
          const n = Array.isArray(found.value) ? found.value.length : -1;
          if (n < params.json.min_items) problems.push(`${params.json.path} has ${n < 0 ? 'no list' : `${n} item${n === 1 ? '' : 's'}`}, expected at least ${params.json.min_items}`);
        }
      }
    }
    const ok = problems.length === 0;
    return {
      status: ok ? 'pass' : 'fail',
      observed: { ok, status: res.status, ms },
      evidence: {
        url: shownUrl,
        method: params.method,
        status: res.status,
        ms,
        authenticated: target.token !== undefined,
        body_excerpt: body.slice(0, BODY_EXCERPT),
        ...(params.json ? { json_path: params.json.path, json_value: summarizeValue(jsonValue) } : {}),
      },
      message: ok ? `${shownUrl} answered ${res.status} in ${Math.round(ms)} ms` : `${shownUrl} ${problems.join('; ')}`,
    };
  },
});

function resolveTarget(
  params: { endpoint?: string | undefined; url?: string | undefined; path: string },
  ctx: CheckContext,
): { url: string; token?: string } | { problem: string } {
  let base: string;
  let token: string | undefined;
  if (params.endpoint !== undefined) {
    const endpoint = ctx.plan.endpoints[params.endpoint];
    if (!endpoint) return { problem: `the plan has no endpoint "${params.endpoint}"` };
    base = endpoint.url;
    if (endpoint.token_var) {
      token = ctx.readVariable(endpoint.token_var);
      if (token === undefined) return { problem: `endpoint ${params.endpoint} needs a token, and ${endpoint.token_var} is not set on the worker` };
    }
  } else {
    base = params.url!;
  }
  if (base.startsWith('/')) {
    if (!ctx.selfBaseUrl) return { problem: `${base} is a path on golive's own web server, whose address this worker does not know` };
    base = `${ctx.selfBaseUrl.replace(/\/+$/, '')}${base}`;
  }
  const url = params.path ? `${base.replace(/\/+$/, '')}/${params.path.replace(/^\/+/, '')}` : base;
  return token === undefined ? { url } : { url, token };
}

/** `data.result`, `status`, `items.0.name`: dots between keys, numbers index lists. */
export function readJsonPath(body: string, jsonPath: string): { value: unknown } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { problem: 'body is not JSON' };
  }
  for (const key of jsonPath.split('.').filter(Boolean)) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value as object, key)) return { problem: `${jsonPath} is not in the JSON answer` };
    value = (value as Record<string, unknown>)[key];
  }
  return { value };
}

function summarizeValue(value: unknown): unknown {
  if (Array.isArray(value)) return `[${value.length} items]`;
  if (value && typeof value === 'object') return '{…}';
  return value;
}

function describeFetchError(err: unknown): string {
  const e = err as { name?: string; cause?: { code?: string; message?: string }; message?: string };
  if (e.name === 'AbortError' || e.name === 'TimeoutError') return 'no answer in time';
  const code = e.cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND') return 'host not found';
  if (code) return `${code}${e.cause?.message ? `: ${e.cause.message}` : ''}`;
  // fetch refuses some ports outright ("bad port"); the cause says so, the outer error only "fetch failed".
  return e.cause?.message ?? e.message ?? String(err);
}
