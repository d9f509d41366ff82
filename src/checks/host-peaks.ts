import { NODE_EXPORTER_QUERIES } from './node-exporter.js';
import { createPrometheusClient } from './prometheus-client.js';
import { resolvePrometheusSource } from './prometheus-source.js';
import { measurePromql } from './promql-measure.js';
import { round } from './promql.js';
import type { CheckContext } from './types.js';

/**
 * The database host's CPU and memory peaks over a span that has just ended
 * (a load test's run), from Prometheus: for load_test with
 * `host_metrics: prometheus`, which knows its own start and end and so reads
 * exactly its span rather than a window counted back from "now".
 */

export type PrometheusPeaks =
  | { ok: true; cpuPeakPct: number | null; memoryPeakPct: number | null; evidence: Record<string, unknown> }
  /** configured false: no Prometheus (the plain message says the figures need a person). */
  | { ok: false; configured: boolean; reason: string; evidence: Record<string, unknown> };

export async function hostPeaksFromPrometheus(
  ctx: Pick<CheckContext, 'plan' | 'readVariable' | 'environment' | 'signal' | 'timeoutMs'>,
  span: { start: Date; end: Date },
): Promise<PrometheusPeaks> {
  const resolved = resolvePrometheusSource(ctx, { figures: ['cpu_peak_pct', 'memory_peak_pct'] });
  if ('outcome' in resolved) {
    return { ok: false, configured: resolved.outcome.status === 'error', reason: resolved.outcome.message, evidence: resolved.outcome.evidence };
  }
  const client = createPrometheusClient(resolved.source);
  const rangeMs = Math.max(1_000, span.end.getTime() - span.start.getTime());
  const base = {
    rangeMs,
    aggregate: 'max' as const,
    instance: ctx.plan.environments[ctx.environment]?.prometheus_instance,
    environment: ctx.environment,
    now: span.end,
    signal: ctx.signal,
    timeoutMs: Math.min(30_000, ctx.timeoutMs),
  };
  const [cpu, memory] = await Promise.all([
    measurePromql(client, { ...base, template: NODE_EXPORTER_QUERIES.cpu }),
    measurePromql(client, { ...base, template: NODE_EXPORTER_QUERIES.memory }),
  ]);
  if (!cpu.ok) return { ok: false, configured: true, reason: `CPU peak: ${cpu.reason}`, evidence: { cpu: cpu.evidence } };
  if (!memory.ok) return { ok: false, configured: true, reason: `memory peak: ${memory.reason}`, evidence: { memory: memory.evidence } };
  return {
    ok: true,
    cpuPeakPct: round(cpu.value),
    memoryPeakPct: round(memory.value),
    evidence: { source: 'prometheus', cpu: cpu.evidence, memory: memory.evidence },
  };
}
