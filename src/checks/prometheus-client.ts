import { redactUrl } from '../redact.js';

/**
 * A small client for the Prometheus HTTP API (/api/v1/query and
 * /api/v1/query_range), which Thanos, Mimir, VictoriaMetrics and Cortex speak
 * too. It never throws: every answer is either series or a plain reason that
 * a check can put in front of a person (unreachable, HTTP error, PromQL error).
 */

export interface PrometheusSource {
  /** Base URL; a path prefix is kept (https://mimir.example/prometheus). */
  url: string;
  /** Sent as a bearer token; never shown. */
  token?: string | undefined;
}

/** One series, values as numbers (NaN and ±Inf kept here; reducers drop them). */
export interface PromSeries {
  labels: Record<string, string>;
  /** [unix seconds, value] in time order. */
  points: Array<[number, number]>;
}

export type PromFailureKind = 'unreachable' | 'auth' | 'http' | 'promql' | 'invalid';

export type PromAnswer =
  | { ok: true; resultType: 'vector' | 'matrix' | 'scalar'; series: PromSeries[]; warnings: string[] }
  | { ok: false; kind: PromFailureKind; reason: string };

export interface QueryOptions {
  signal?: AbortSignal | undefined;
  /** Also sent to the server as its own evaluation timeout. */
  timeoutMs?: number | undefined;
}

export interface PrometheusClient {
  /** Redacted base URL, for messages and evidence. */
  readonly shownUrl: string;
  instant(query: string, time: Date, options?: QueryOptions): Promise<PromAnswer>;
  range(query: string, range: { start: Date; end: Date; stepS: number }, options?: QueryOptions): Promise<PromAnswer>;
}

const BODY_EXCERPT = 200;

export function createPrometheusClient(source: PrometheusSource): PrometheusClient {
  const base = source.url.replace(/\/+$/, '');
  const shownUrl = redactUrl(source.url);

  async function call(endpoint: 'query' | 'query_range', form: Record<string, string>, options: QueryOptions): Promise<PromAnswer> {
    const body = new URLSearchParams(form);
    if (options.timeoutMs !== undefined) body.set('timeout', `${Math.max(1, Math.floor(options.timeoutMs / 1000))}s`);
    const headers: Record<string, string> = { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' };
    if (source.token) headers.authorization = `Bearer ${source.token}`;
    let res: Response;
    let text: string;
    try {
      // POST keeps long queries out of URL length limits; every compatible API accepts it.
      res = await fetch(`${base}/api/v1/${endpoint}`, { method: 'POST', headers, body, signal: options.signal ?? null, redirect: 'follow' });
      text = await res.text();
    } catch (err) {
      return { ok: false, kind: 'unreachable', reason: `Prometheus at ${shownUrl} is unreachable: ${describeFetchError(err)}` };
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const answer = json as { status?: string; errorType?: string; error?: string; data?: { resultType?: string; result?: unknown }; warnings?: unknown } | undefined;
    if (answer?.status === 'error') {
      // Prometheus answers 400 (bad_data) or 422 (execution) with the PromQL problem in `error`.
      return { ok: false, kind: 'promql', reason: `PromQL error${answer.errorType ? ` (${answer.errorType})` : ''}: ${answer.error ?? 'no detail given'}` };
    }
    if (res.status === 401 || res.status === 403) {
      return {
        ok: false,
        kind: 'auth',
        reason: `Prometheus at ${shownUrl} refused the request (HTTP ${res.status}); check GOLIVE_PROMETHEUS_TOKEN`,
      };
    }
    if (!res.ok) {
      return { ok: false, kind: 'http', reason: `Prometheus at ${shownUrl} answered HTTP ${res.status}: ${excerpt(text)}` };
    }
    if (answer?.status !== 'success' || !answer.data) {
      return { ok: false, kind: 'invalid', reason: `${shownUrl} did not answer like a Prometheus API: ${excerpt(text)}` };
    }
    const warnings = Array.isArray(answer.warnings) ? answer.warnings.map(String) : [];
    return normalize(answer.data.resultType, answer.data.result, warnings, shownUrl);
  }

  return {
    shownUrl,
    instant(query, time, options = {}) {
      return call('query', { query, time: unixSeconds(time) }, options);
    },
    range(query, range, options = {}) {
      return call('query_range', { query, start: unixSeconds(range.start), end: unixSeconds(range.end), step: `${range.stepS}s` }, options);
    },
  };
}

function normalize(resultType: string | undefined, result: unknown, warnings: string[], shownUrl: string): PromAnswer {
  const bad: PromAnswer = { ok: false, kind: 'invalid', reason: `${shownUrl} answered an unexpected result shape (${resultType ?? 'none'})` };
  if (resultType === 'scalar') {
    if (!Array.isArray(result)) return bad;
    return { ok: true, resultType, series: [{ labels: {}, points: [toPoint(result)] }], warnings };
  }
  if (resultType === 'string') {
    return { ok: false, kind: 'invalid', reason: 'the query returned a string, not a number; compare numbers only' };
  }
  if ((resultType !== 'vector' && resultType !== 'matrix') || !Array.isArray(result)) return bad;
  const series: PromSeries[] = result.map((item: { metric?: Record<string, string>; value?: unknown[]; values?: unknown[][] }) => ({
    labels: item.metric ?? {},
    points: resultType === 'vector' ? (item.value ? [toPoint(item.value)] : []) : (item.values ?? []).map(toPoint),
  }));
  return { ok: true, resultType, series, warnings };
}

function toPoint(raw: unknown[]): [number, number] {
  return [Number(raw[0]), parseSampleValue(String(raw[1]))];
}

/** Prometheus spells infinities "+Inf"/"-Inf", which Number() does not read. */
export function parseSampleValue(text: string): number {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

function unixSeconds(d: Date): string {
  return (d.getTime() / 1000).toFixed(3);
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (!flat) return 'empty body';
  return flat.length > BODY_EXCERPT ? `${flat.slice(0, BODY_EXCERPT)}…` : flat;
}

export function describeFetchError(err: unknown): string {
  const e = err as { name?: string; cause?: { code?: string; message?: string }; message?: string };
  if (e.name === 'AbortError' || e.name === 'TimeoutError') return 'no answer in time';
  const code = e.cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  if (code === 'ECONNRESET') return 'connection reset';
  if (code) return `${code}${e.cause?.message ? `: ${e.cause.message}` : ''}`;
  // fetch refuses some ports outright (1, 22, 25 …: the WHATWG "bad port" list).
  if (e.cause?.message === 'bad port') return 'the port is on fetch\'s list of blocked ports; put Prometheus on another port';
  if (e.cause?.message) return e.cause.message;
  return e.message ?? String(err);
}
