import { parseDuration } from '../plan/duration.js';
import { createPrometheusClient } from './prometheus-client.js';
import { resolvePrometheusSource } from './prometheus-source.js';
import { measurePromql } from './promql-measure.js';
import { round } from './promql.js';
import { defineCheck, type RawOutcome } from './types.js';

/** Leave the server a second less than the check so its own timeout answers first, with a reason. */
const SERVER_TIMEOUT_MARGIN_MS = 1_000;

/**
 * A PromQL query the plan writes, reduced to one figure (`value`) that the
 * plan's expectation judges: application availability, error rate, network
 * timeouts, anything Prometheus knows. `{{instance}}` is the environment's
 * instance label (see promql.ts for the placeholders). An unreachable
 * server, an HTTP error or a PromQL error fails the check with the reason;
 * no Prometheus configured makes it a manual attestation (pending).
 */
export const prometheusCheck = defineCheck({
  type: 'prometheus',
  defaultTimeoutMs: 30_000,
  async run(params, ctx): Promise<RawOutcome> {
    const what = { query: params.query, aggregate: params.aggregate, ...(params.range ? { range: params.range } : {}) };
    const resolved = resolvePrometheusSource(ctx, what);
    if ('outcome' in resolved) return resolved.outcome;
    const client = createPrometheusClient(resolved.source);
    const m = await measurePromql(client, {
      template: params.query,
      rangeMs: params.range !== undefined ? parseDuration(params.range) : undefined,
      aggregate: params.aggregate,
      emptyAs: params.empty_as,
      instance: ctx.plan.environments[ctx.environment]?.prometheus_instance,
      environment: ctx.environment,
      now: ctx.clock.now(),
      signal: ctx.signal,
      timeoutMs: Math.max(1_000, ctx.timeoutMs - SERVER_TIMEOUT_MARGIN_MS),
    });
    if (!m.ok) return { status: 'error', observed: { value: null }, evidence: { ...m.evidence, aggregate: params.aggregate }, message: m.reason };
    return {
      status: 'pass',
      observed: { value: round(m.value) },
      evidence: { ...m.evidence, aggregate: params.aggregate },
      message: `${round(m.value)} (${m.summary})`,
    };
  },
});
