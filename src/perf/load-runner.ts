import pg from 'pg';
import { LatencyHistogram, type HistogramBucket, type LatencySummary } from './histogram.js';
import { seededRandom } from './random.js';
import { RAW_TYPES } from './raw-types.js';
import { takeOverSession, type WireSession } from './wire-session.js';

/**
 * The load generator behind the load_test check and bench:load: C clients,
 * each its own pg.Client (one server session each, as C application
 * connections would be; no pool in between), sending the plan's query mix
 * back to back for a duration. Every request's latency goes into a
 * histogram; throughput is also counted per interval, so a run that slows
 * down shows it.
 *
 * A client that cannot connect (the server refuses: too many clients, a
 * role's CONNECTION LIMIT) counts an error for every attempt and tries again
 * after a pause, as an application would; a request that fails counts an
 * error, and a session that broke is replaced.
 *
 * Measured as pgbench -T measures: sessions open before the clock starts,
 * the window is the duration, and a request still running when it ends is
 * not counted. Plain SQL goes through the lean wire reader
 * (wire-session.ts), so the generator's own CPU stays near pgbench's.
 */

export interface LoadStatement {
  text: string;
  values: unknown[];
}

export interface LoadScript {
  id: string;
  weight: number;
  /** A client's own statement sequence (deterministic per client index). */
  forClient(clientIndex: number): () => LoadStatement;
  /** false: its statements carry parameters, which only pg's own query path can send. */
  plainSql?: boolean;
}

export interface LoadRunOptions {
  targetUrl: string;
  clients: number;
  durationMs: number;
  /** Length of the throughput intervals (progress). */
  intervalMs: number;
  scripts: LoadScript[];
  signal?: AbortSignal;
  /** Per request (statement_timeout of every session); default 60 s. */
  statementTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** Pause between connection attempts of a client that was refused (default 1 s). */
  reconnectDelayMs?: number;
  /** How many clients connect at once during the ramp-up (default 20). */
  connectConcurrency?: number;
  applicationName?: string;
  seed?: number;
  /**
   * Before the clock starts, each client runs every script once, untimed: a
   * fresh session pays for loading extensions (PostGIS) and catalog caches on
   * its first query, which an application's warm pool has long paid.
   */
  warmup?: boolean;
  /** false: every request through pg's own query path (rows converted to JS values). Default: the lean wire reader. */
  lean?: boolean;
}

export interface IntervalFigures {
  index: number;
  start_s: number;
  seconds: number;
  transactions: number;
  errors: number;
  tps: number;
  p50_ms: number | null;
  p95_ms: number | null;
}

export interface LoadRunResult {
  clients: number;
  /** Clients holding a session when the timed run started. */
  connectedAtStart: number;
  /** Most sessions open at once. */
  peakConnected: number;
  transactions: number;
  errors: number;
  errorRatePct: number;
  /** Errors by SQLSTATE or cause (connect, timeout, …). */
  errorsByKind: Record<string, number>;
  /** A few distinct error messages, for the evidence. */
  errorSamples: string[];
  elapsedMs: number;
  tps: number;
  latency: LatencySummary;
  /** Every request's latency, as the histogram's buckets (merged for the evidence). */
  latencyHistogram: HistogramBucket[];
  byScript: Record<string, LatencySummary & { errors: number }>;
  intervals: IntervalFigures[];
  /** Throughput of the first quarter of the intervals against the last, percent (positive: it dropped). */
  degradationPct: number | null;
  aborted: boolean;
}

interface Session {
  client: pg.Client;
  /** The lean query path (src/perf/wire-session.ts); undefined: pg's own. */
  wire?: WireSession | undefined;
  broken: boolean;
}

/** Run a statement on a session: the lean path for plain SQL, pg's for parameters. */
function execute(session: Session, statement: LoadStatement): Promise<unknown> {
  if (session.wire) {
    if (statement.values.length === 0) return session.wire.query(statement.text);
    return Promise.reject(new Error('a statement with parameters on a session taken over by the wire reader'));
  }
  return session.client.query({ text: statement.text, values: statement.values, rowMode: 'array' });
}

function isBroken(session: Session): boolean {
  return session.broken || session.wire?.broken === true;
}

export async function runLoad(options: LoadRunOptions): Promise<LoadRunResult> {
  if (options.scripts.length === 0) throw new Error('runLoad needs at least one script');
  const reconnectDelayMs = options.reconnectDelayMs ?? 1_000;
  const intervalMs = Math.max(1, options.intervalMs);
  const intervalCount = Math.max(1, Math.ceil(options.durationMs / intervalMs));
  const total = new LatencyHistogram();
  const perScript = new Map(options.scripts.map((s) => [s.id, { histogram: new LatencyHistogram(), errors: 0 }]));
  const intervals = Array.from({ length: intervalCount }, () => ({ histogram: new LatencyHistogram(), errors: 0 }));
  const errorsByKind = new Map<string, number>();
  const errorSamples = new Set<string>();
  let errors = 0;
  let open = 0;
  let peakConnected = 0;
  let stopped = options.signal?.aborted === true;
  const sessions = new Set<Session>();
  const weightTotal = options.scripts.reduce((sum, s) => sum + s.weight, 0);
  let start = performance.now();

  const onAbort = () => {
    stopped = true;
    for (const s of sessions) {
      if (s.wire) s.wire.destroy();
      else void s.client.end().catch(() => {});
    }
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });

  const intervalAt = (t: number) => intervals[Math.min(intervalCount - 1, Math.max(0, Math.floor((t - start) / intervalMs)))]!;

  function countError(kind: string, message: string, scriptId?: string) {
    errors++;
    errorsByKind.set(kind, (errorsByKind.get(kind) ?? 0) + 1);
    if (errorSamples.size < 5) errorSamples.add(message);
    if (scriptId) perScript.get(scriptId)!.errors++;
    intervalAt(performance.now()).errors++;
  }

  async function connect(): Promise<Session | undefined> {
    const client = new pg.Client({
      connectionString: options.targetUrl,
      application_name: options.applicationName ?? 'golive-load-test',
      statement_timeout: options.statementTimeoutMs ?? 60_000,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
      types: RAW_TYPES,
    });
    const session: Session = { client, broken: false };
    client.on('error', () => {
      session.broken = true;
    });
    client.on('end', () => {
      session.broken = true;
    });
    try {
      await client.connect();
    } catch (err) {
      await client.end().catch(() => {});
      const e = err as { code?: string; message?: string };
      countError(e.code ? `connect:${e.code}` : 'connect', `connect: ${e.message ?? String(err)}`);
      return undefined;
    }
    if (stopped) {
      await client.end().catch(() => {});
      return undefined;
    }
    // Plain SQL only (what the plan's scripts become): rows are counted, not converted.
    if (options.lean !== false && options.scripts.every((s) => s.plainSql !== false)) session.wire = takeOverSession(client);
    sessions.add(session);
    open++;
    peakConnected = Math.max(peakConnected, open);
    return session;
  }

  async function close(session: Session) {
    if (!sessions.delete(session)) return;
    open--;
    if (session.wire) await session.wire.close();
    else await session.client.end().catch(() => {});
  }

  // Ramp-up: every client tries once before the clock starts (pgbench also
  // leaves connection time out of its throughput).
  const initial: Array<Session | undefined> = new Array(options.clients);
  const concurrency = Math.max(1, options.connectConcurrency ?? 20);
  let nextClient = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, options.clients) }, async () => {
      while (nextClient < options.clients && !stopped) {
        const i = nextClient++;
        initial[i] = await connect();
      }
    }),
  );
  if (options.warmup) {
    await Promise.all(
      initial.map(async (session, index) => {
        for (const script of options.scripts) {
          if (!session || isBroken(session) || stopped) return;
          try {
            // Values of a sequence of their own: the timed run's draws stay as they would be without warm-up.
            await execute(session, script.forClient(-1 - index)());
          } catch (err) {
            const e = err as { code?: string; message?: string };
            countError(e.code ?? 'warmup', `${script.id} (warm-up): ${e.message ?? String(err)}`, script.id);
          }
        }
      }),
    );
  }
  const connectedAtStart = open;

  start = performance.now();
  const deadline = start + options.durationMs;

  async function clientLoop(index: number) {
    const random = seededRandom(((options.seed ?? 1) * 1_000_003 + index) >>> 0);
    const statements = new Map(options.scripts.map((s) => [s.id, s.forClient(index)]));
    let session = initial[index];
    while (!stopped && performance.now() < deadline) {
      if (!session || isBroken(session)) {
        if (session) await close(session);
        session = await connect();
        if (!session) await pause(Math.min(reconnectDelayMs, deadline - performance.now()), options.signal);
        continue;
      }
      const script = pick(options.scripts, weightTotal, random);
      const statement = statements.get(script.id)!();
      const started = performance.now();
      try {
        await execute(session, statement);
        const done = performance.now();
        // As pgbench -T: a request still running at the end of the window is not counted.
        if (done > deadline) break;
        const ms = done - started;
        total.recordMs(ms);
        perScript.get(script.id)!.histogram.recordMs(ms);
        intervalAt(done).histogram.recordMs(ms);
      } catch (err) {
        if (stopped || performance.now() > deadline) break;
        const e = err as { code?: string; message?: string };
        countError(e.code ?? (isBroken(session) ? 'connection_lost' : 'query'), `${script.id}: ${e.message ?? String(err)}`, script.id);
      }
    }
    if (session) await close(session);
  }

  try {
    await Promise.all(Array.from({ length: options.clients }, (_, i) => clientLoop(i)));
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    for (const s of [...sessions]) await close(s);
  }
  // The window: the duration, or less when the run was stopped.
  const elapsedMs = Math.min(performance.now(), deadline) - start;
  const transactions = total.count;

  const intervalFigures: IntervalFigures[] = intervals.map((iv, index) => {
    const from = index * intervalMs;
    const seconds = Math.max(0.001, Math.min(intervalMs, elapsedMs - from) / 1000);
    const s = iv.histogram.summary();
    return {
      index,
      start_s: round2(from / 1000),
      seconds: round2(seconds),
      transactions: iv.histogram.count,
      errors: iv.errors,
      tps: round2(iv.histogram.count / seconds),
      p50_ms: s.p50_ms,
      p95_ms: s.p95_ms,
    };
  });

  return {
    clients: options.clients,
    connectedAtStart,
    peakConnected,
    transactions,
    errors,
    errorRatePct: transactions + errors === 0 ? 0 : round2((errors / (transactions + errors)) * 100),
    errorsByKind: Object.fromEntries(errorsByKind),
    errorSamples: [...errorSamples],
    elapsedMs: Math.round(elapsedMs),
    tps: elapsedMs > 0 ? round2(transactions / (elapsedMs / 1000)) : 0,
    latency: total.summary(),
    latencyHistogram: total.buckets(),
    byScript: Object.fromEntries([...perScript].map(([id, s]) => [id, { ...s.histogram.summary(), errors: s.errors }])),
    intervals: intervalFigures,
    degradationPct: degradation(intervalFigures),
    aborted: options.signal?.aborted === true,
  };
}

function pick(scripts: LoadScript[], weightTotal: number, random: () => number): LoadScript {
  if (scripts.length === 1) return scripts[0]!;
  let r = random() * weightTotal;
  for (const s of scripts) {
    r -= s.weight;
    if (r < 0) return s;
  }
  return scripts[scripts.length - 1]!;
}

/**
 * First quarter of the intervals against the last quarter (halves when there
 * are fewer than four, nothing with one); a short last interval counts by its
 * own length, so it does not look like a drop.
 */
export function degradation(intervals: Pick<IntervalFigures, 'transactions' | 'seconds'>[]): number | null {
  if (intervals.length < 2) return null;
  const share = intervals.length >= 4 ? Math.floor(intervals.length / 4) : Math.floor(intervals.length / 2);
  const rate = (list: typeof intervals) => list.reduce((s, i) => s + i.transactions, 0) / Math.max(0.001, list.reduce((s, i) => s + i.seconds, 0));
  const first = rate(intervals.slice(0, share));
  const last = rate(intervals.slice(intervals.length - share));
  if (first <= 0) return null;
  return round2(((first - last) / first) * 100);
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
