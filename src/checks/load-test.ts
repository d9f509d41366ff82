import { describeError } from '../errors.js';
import { connectionCapacity, describeShortfall, type ConnectionCapacity } from '../perf/connection-capacity.js';
import { startHostSampler, type HostPeaks } from '../perf/host-sampler.js';
import { runLoad, type LoadRunResult } from '../perf/load-runner.js';
import { loadNamedQueries, loadScriptOf } from '../perf/named-queries.js';
import { parseDuration } from '../plan/duration.js';
import { redactUrl } from '../redact.js';
import { describeDatabaseError } from './pg-errors.js';
import { openSession } from './pg-session.js';
import { defineCheck, type RawOutcome } from './types.js';
import { fmtMs } from './query-performance.js';

/**
 * C concurrent clients (one server session each) running the plan's query
 * mix with varied parameters for a duration. Throughput, P50/P95/P99 from a
 * histogram of every request, errors and their rate, and throughput per
 * interval (its drop from the first to the last quarter says whether the
 * server degrades under the load). The server's free connection slots are
 * checked first: a server that cannot take C clients fails with that reason.
 *
 * A shared type: the seed's separate load-test lines (P50, P95, P99, errors,
 * throughput…) are one execution, each line judging its own figure.
 */

/** Each request gets at most this long (or the check's whole timeout, if shorter). */
const REQUEST_TIMEOUT_MS = 60_000;

export const loadTestCheck = defineCheck({
  type: 'load_test',
  // The seed's load test runs 2+ hours; a plan's check can give a shorter timeout.
  defaultTimeoutMs: 4 * 3600_000,
  async run(params, ctx): Promise<RawOutcome> {
    const target = redactUrl(ctx.targetUrl);
    const durationMs = parseDuration(params.duration);
    const intervalMs = parseDuration(params.progress_interval);
    const weights = Object.fromEntries(params.queries.map((q) => [q, params.weights?.[q] ?? 1]));
    const base = { target, clients: params.clients, duration: params.duration, queries: params.queries, weights };

    let scripts;
    try {
      const queries = await loadNamedQueries(ctx.plan, ctx.planDir, params.queries);
      scripts = queries.map((q) => loadScriptOf(q, weights[q.id]!, `golive:load:${ctx.plan.id}`));
    } catch (err) {
      return { status: 'error', observed: {}, evidence: base, message: describeError(err) };
    }

    let capacity: ConnectionCapacity;
    try {
      const probe = await openSession(ctx.targetUrl, { statementTimeoutMs: Math.min(ctx.timeoutMs, 30_000), signal: ctx.signal });
      try {
        capacity = await connectionCapacity(probe);
      } finally {
        await probe.end().catch(() => {});
      }
    } catch (err) {
      const reason = describeDatabaseError(err, ctx.targetUrl);
      return { status: 'error', observed: {}, evidence: { ...base, error: reason }, message: `cannot connect to ${ctx.environment}: ${reason}` };
    }
    const capacityEvidence = {
      max_connections: capacity.maxConnections,
      superuser_reserved_connections: capacity.reserved,
      in_use: capacity.inUse,
      available: capacity.available,
      role_connection_limit: capacity.roleLimit,
      database_connection_limit: capacity.databaseLimit,
    };
    if (capacity.available < params.clients) {
      return {
        status: 'fail',
        observed: { clients_connected: 0 },
        evidence: { ...base, capacity: capacityEvidence },
        message: `not run: ${describeShortfall(capacity, params.clients)}`,
      };
    }

    const sampler = params.host_metrics === 'local' ? startHostSampler() : undefined;
    let result: LoadRunResult;
    let host: HostPeaks | undefined;
    try {
      result = await runLoad({
        targetUrl: ctx.targetUrl,
        clients: params.clients,
        durationMs,
        intervalMs,
        scripts,
        signal: ctx.signal,
        statementTimeoutMs: Math.min(REQUEST_TIMEOUT_MS, ctx.timeoutMs),
        seed: 1,
        warmup: true,
      });
    } catch (err) {
      return { status: 'error', observed: {}, evidence: { ...base, capacity: capacityEvidence }, message: `the load test stopped: ${describeError(err)}` };
    } finally {
      host = await sampler?.stop();
    }

    const observed = {
      clients_connected: result.connectedAtStart,
      transactions: result.transactions,
      tps: result.tps,
      throughput_degradation_pct: result.degradationPct,
      p50_ms: result.latency.p50_ms,
      p95_ms: result.latency.p95_ms,
      p99_ms: result.latency.p99_ms,
      errors: result.errors,
      error_rate_pct: result.errorRatePct,
      cpu_peak_pct: host?.cpuPeakPct ?? null,
      memory_peak_pct: host?.memoryPeakPct ?? null,
      duration_ms: result.elapsedMs,
    };
    const evidence = {
      ...base,
      capacity: capacityEvidence,
      jobs_note: params.jobs ? `jobs ${params.jobs} is a pgbench setting; golive's clients share one process` : undefined,
      connected_at_start: result.connectedAtStart,
      peak_connected: result.peakConnected,
      elapsed_ms: result.elapsedMs,
      latency: result.latency,
      latency_histogram: result.latencyHistogram,
      by_query: result.byScript,
      errors_by_kind: result.errorsByKind,
      error_samples: result.errorSamples,
      intervals: result.intervals,
      host: host ? { source: 'local', cpu_peak_pct: host.cpuPeakPct, memory_peak_pct: host.memoryPeakPct, samples: host.samples } : { source: params.host_metrics, note: 'read by the host_resources checks' },
    };
    if (result.aborted) return { status: 'error', observed, evidence, message: `the load test was stopped after ${Math.round(result.elapsedMs / 1000)} s` };

    const errorsText = result.errors === 0 ? '0 errors' : `${result.errors} errors (${result.errorRatePct} %; ${Object.entries(result.errorsByKind).map(([k, n]) => `${k} ${n}`).join(', ')})`;
    const drop = result.degradationPct === null ? '' : `; throughput ${result.degradationPct > 0 ? '-' : '+'}${Math.abs(result.degradationPct)} % first to last quarter`;
    const clientsText = result.connectedAtStart < params.clients ? `${result.connectedAtStart} of ${params.clients} clients connected` : `${params.clients} clients`;
    if (result.transactions === 0) {
      return { status: 'fail', observed, evidence, message: `${clientsText}: no request completed in ${params.duration}, ${errorsText}${result.errorSamples[0] ? `: ${result.errorSamples[0]}` : ''}` };
    }
    const l = result.latency;
    return {
      status: 'pass',
      observed,
      evidence,
      message:
        `${clientsText} for ${params.duration}: ${result.tps} tps, p50 ${fmtMs(l.p50_ms ?? 0)} ms, p95 ${fmtMs(l.p95_ms ?? 0)} ms, ` +
        `p99 ${fmtMs(l.p99_ms ?? 0)} ms, ${errorsText}${drop}`,
    };
  },
});
