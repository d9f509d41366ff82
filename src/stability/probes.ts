import pg from 'pg';
import { describeDatabaseError } from '../checks/pg-errors.js';
import { numericValue } from '../checks/pg-session.js';
import { describeError } from '../errors.js';
import type { Plan } from '../plan/schema.js';
import type { ProbeKind } from '../store/samples.js';

/**
 * One availability probe: does the environment answer now? Three kinds, as
 * the stability check type says:
 *   database     a query over a kept connection (the application's view)
 *   network      a fresh connection each time (connect, SELECT 1, close)
 *   application  an HTTP GET of the plan's endpoint
 * A probe never throws: it reports ok, its latency, whether it timed out,
 * and the reason it failed. The database probe's default query reads the
 * database's transaction counter, so throughput can be followed from the
 * probes alone (inline windows).
 */

export interface ProbeResult {
  ok: boolean;
  latencyMs: number | null;
  timedOut: boolean;
  error: string | null;
  figures: Record<string, unknown>;
}

export const PROBE_APPLICATION_NAME = 'golive-probe';
export const DEFAULT_PROBE_QUERY = `SELECT (xact_commit + xact_rollback)::float8 AS xacts FROM pg_stat_database WHERE datname = current_database()`;

/** A probe waits at most this share of its interval, between 1 and 10 s. */
export function probeTimeoutMs(everyMs: number): number {
  return Math.min(10_000, Math.max(1_000, Math.round(everyMs * 0.8)));
}

export interface ProbeTarget {
  kind: ProbeKind;
  /** The environment's database URL (never shown). */
  databaseUrl: string;
  /** For the application probe: the resolved URL and its bearer token. */
  http?: { url: string; token?: string | undefined } | undefined;
  query?: string | undefined;
  timeoutMs: number;
}

/** Kept connections of the database probe, one small pool per URL, owned by whoever creates it. */
export interface ProbePools {
  get(url: string, timeoutMs: number): pg.Pool;
  close(): Promise<void>;
}

export function createProbePools(): ProbePools {
  const pools = new Map<string, pg.Pool>();
  return {
    get(url, timeoutMs) {
      let pool = pools.get(url);
      if (!pool) {
        pool = new pg.Pool({
          connectionString: url,
          application_name: PROBE_APPLICATION_NAME,
          max: 2,
          connectionTimeoutMillis: timeoutMs,
          statement_timeout: timeoutMs,
          idleTimeoutMillis: 60_000,
          allowExitOnIdle: true,
        });
        pool.on('error', () => {});
        pools.set(url, pool);
      }
      return pool;
    },
    async close() {
      const all = [...pools.values()];
      pools.clear();
      await Promise.all(all.map((p) => p.end().catch(() => {})));
    },
  };
}

export async function probe(target: ProbeTarget, pools: ProbePools): Promise<ProbeResult> {
  switch (target.kind) {
    case 'database':
      return probeDatabase(pools.get(target.databaseUrl, target.timeoutMs), target);
    case 'network':
      return probeNetwork(target);
    case 'application':
      return probeApplication(target);
  }
}

async function probeDatabase(pool: pg.Pool, target: ProbeTarget): Promise<ProbeResult> {
  const started = performance.now();
  try {
    const result = await withDeadline(pool.query(target.query ?? DEFAULT_PROBE_QUERY), target.timeoutMs);
    const xacts = target.query ? null : numericValue(result.rows[0]?.xacts);
    return { ok: true, latencyMs: elapsed(started), timedOut: false, error: null, figures: xacts === null ? {} : { xacts } };
  } catch (err) {
    return failure(started, err, target.databaseUrl);
  }
}

async function probeNetwork(target: ProbeTarget): Promise<ProbeResult> {
  const started = performance.now();
  const client = new pg.Client({
    connectionString: target.databaseUrl,
    application_name: PROBE_APPLICATION_NAME,
    connectionTimeoutMillis: target.timeoutMs,
    statement_timeout: target.timeoutMs,
  });
  client.on('error', () => {});
  try {
    await withDeadline(
      (async () => {
        await client.connect();
        await client.query('SELECT 1');
      })(),
      target.timeoutMs,
    );
    return { ok: true, latencyMs: elapsed(started), timedOut: false, error: null, figures: {} };
  } catch (err) {
    return failure(started, err, target.databaseUrl);
  } finally {
    await client.end().catch(() => {});
  }
}

async function probeApplication(target: ProbeTarget): Promise<ProbeResult> {
  const started = performance.now();
  if (!target.http) return { ok: false, latencyMs: null, timedOut: false, error: 'no application endpoint to probe', figures: {} };
  const headers: Record<string, string> = { accept: 'application/json, text/plain, */*' };
  if (target.http.token) headers.authorization = `Bearer ${target.http.token}`;
  try {
    const res = await fetch(target.http.url, { headers, redirect: 'manual', signal: AbortSignal.timeout(target.timeoutMs) });
    await res.arrayBuffer().catch(() => undefined);
    const ok = res.status >= 200 && res.status < 300;
    return { ok, latencyMs: elapsed(started), timedOut: false, error: ok ? null : `answered ${res.status}`, figures: { status: res.status } };
  } catch (err) {
    const e = err as { name?: string };
    const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
    return { ok: false, latencyMs: elapsed(started), timedOut, error: timedOut ? 'no answer in time' : describeError(err), figures: {} };
  }
}

/** The URL of the application probe: a plan endpoint; a path is golive's own web server. */
export function applicationTarget(
  plan: Plan,
  endpointId: string | undefined,
  deps: { selfBaseUrl?: string | undefined; readVariable(name: string): string | undefined },
): { url: string; token?: string | undefined } | undefined {
  const endpoint = endpointId ? plan.endpoints[endpointId] : undefined;
  if (!endpoint) return undefined;
  let url = endpoint.url;
  if (url.startsWith('/')) {
    if (!deps.selfBaseUrl) return undefined;
    url = `${deps.selfBaseUrl.replace(/\/+$/, '')}${url}`;
  }
  return { url, token: endpoint.token_var ? deps.readVariable(endpoint.token_var) : undefined };
}

class DeadlineError extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

/** pg's own timeouts cover connect and statement; this covers a server that accepts and then says nothing. */
async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new DeadlineError(ms)), ms + 250);
      }),
    ]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

function failure(started: number, err: unknown, url: string): ProbeResult {
  const text = describeDatabaseError(err, url);
  const code = (err as { code?: string }).code;
  const timedOut = err instanceof DeadlineError || code === '57014' || /timeout|timed out/i.test(text);
  return { ok: false, latencyMs: elapsed(started), timedOut, error: text, figures: {} };
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 100) / 100;
}
