import { parseDuration } from '../plan/duration.js';
import { redactUrl } from '../redact.js';
import { describeDatabaseError } from './pg-errors.js';
import { elapsedMs, openSession } from './pg-session.js';
import { sleep, summarize } from './stats.js';
import { defineCheck, type RawOutcome } from './types.js';

/** Round-trip time of N trivial queries on one established connection (connect time excluded). */
export const latencyCheck = defineCheck({
  type: 'latency',
  defaultTimeoutMs: 30_000,
  async run(params, ctx): Promise<RawOutcome> {
    const target = redactUrl(ctx.targetUrl);
    let client;
    try {
      client = await openSession(ctx.targetUrl, { statementTimeoutMs: ctx.timeoutMs, signal: ctx.signal });
    } catch (err) {
      const reason = describeDatabaseError(err, ctx.targetUrl);
      return { status: 'error', observed: { failed: params.samples }, evidence: { target, error: reason }, message: `cannot connect to ${ctx.environment}: ${reason}` };
    }
    const intervalMs = parseDuration(params.interval);
    const samples: number[] = [];
    let failed = 0;
    let lastError: string | undefined;
    try {
      for (let i = 0; i < params.samples && !ctx.signal.aborted; i++) {
        if (i > 0 && intervalMs > 0) await sleep(intervalMs, ctx.signal);
        const started = performance.now();
        try {
          await client.query('SELECT 1');
          samples.push(elapsedMs(started));
        } catch (err) {
          failed++;
          lastError = describeDatabaseError(err, ctx.targetUrl);
        }
      }
    } finally {
      await client.end().catch(() => {});
    }
    const stats = summarize(samples);
    const observed = { avg_ms: stats.mean, p95_ms: stats.p95, max_ms: stats.max, min_ms: stats.min, failed };
    const evidence = { target, samples: params.samples, answered: samples.length, interval: params.interval, round_trips_ms: samples, ...(lastError ? { error: lastError } : {}) };
    if (samples.length === 0) {
      return { status: 'error', observed, evidence, message: `no round trip answered${lastError ? `: ${lastError}` : ''}` };
    }
    // The judgement is the plan's expect; failed round trips are reported beside it.
    return {
      status: 'pass',
      observed,
      evidence,
      message: `average ${fmt(stats.mean)} ms over ${samples.length} round trips (p95 ${fmt(stats.p95)}, max ${fmt(stats.max)})${failed ? `, ${failed} failed` : ''}`,
    };
  },
});

function fmt(n: number | null): string {
  return n === null ? '?' : n < 10 ? n.toFixed(2) : String(Math.round(n));
}
