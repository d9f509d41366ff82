import type { Check } from '../plan/schema.js';
import { NODE_EXPORTER_QUERIES } from './node-exporter.js';
import { createPrometheusClient, type PrometheusSource } from './prometheus-client.js';
import { measurePromql } from './promql-measure.js';
import { round, type Aggregate } from './promql.js';

/**
 * One sample of the stability window: the host's utilisation now and the
 * plan's own PromQL figures, by name, for the sampler to store and for
 * checkpoint 4 to evaluate over the window. Never throws: a figure that
 * could not be read is null, with its reason in `errors`.
 *
 * Host figure names: cpu_pct, memory_pct, io_pct, network_pct (see
 * node-exporter.ts for what each measures). Named queries keep their names.
 */

export const HOST_SAMPLE_FIGURES = {
  cpu_pct: NODE_EXPORTER_QUERIES.cpu,
  memory_pct: NODE_EXPORTER_QUERIES.memory,
  io_pct: NODE_EXPORTER_QUERIES.io,
  network_pct: NODE_EXPORTER_QUERIES.network,
} as const;

export interface NamedQuery {
  query: string;
  /** Over several series (the query should aggregate to one; `last` insists on it). Default last. */
  aggregate?: Aggregate | undefined;
  /** Figure when the query returns no series. */
  empty_as?: number | undefined;
}

export interface PrometheusSampleRequest {
  source: PrometheusSource;
  /** The environment's prometheus_instance (for {{instance}}). */
  instance?: string | undefined;
  environment: string;
  at: Date;
  /** Include the host figures (default true). */
  host?: boolean | undefined;
  /** More figures by name: a query text, or a query with its reduction. */
  queries?: Record<string, string | NamedQuery> | undefined;
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
}

export interface PrometheusSample {
  at: Date;
  figures: Record<string, number | null>;
  /** Why a figure is null, by name. */
  errors: Record<string, string>;
}

export async function samplePrometheus(request: PrometheusSampleRequest): Promise<PrometheusSample> {
  const client = createPrometheusClient(request.source);
  const wanted: Record<string, NamedQuery> = {};
  if (request.host !== false) for (const [name, query] of Object.entries(HOST_SAMPLE_FIGURES)) wanted[name] = { query };
  for (const [name, q] of Object.entries(request.queries ?? {})) wanted[name] = typeof q === 'string' ? { query: q } : q;

  const entries = await Promise.all(
    Object.entries(wanted).map(async ([name, q]) => {
      const m = await measurePromql(client, {
        template: q.query,
        aggregate: q.aggregate ?? 'last',
        emptyAs: q.empty_as,
        instance: request.instance,
        environment: request.environment,
        now: request.at,
        signal: request.signal,
        timeoutMs: request.timeoutMs,
      });
      return [name, m] as const;
    }),
  );
  const figures: Record<string, number | null> = {};
  const errors: Record<string, string> = {};
  for (const [name, m] of entries) {
    figures[name] = m.ok ? round(m.value) : null;
    if (!m.ok) errors[name] = m.reason;
  }
  return { at: request.at, figures, errors };
}

/**
 * The plan's `prometheus` checks as named queries for the sampler (by check
 * id), so a checkpoint's application figures (availability, error rate,
 * timeouts) are sampled through the window too. A check's `range` does not
 * apply to a sample: each sample is an instant reading.
 */
export function sampleQueriesOf(checks: Pick<Check, 'id' | 'type' | 'params'>[]): Record<string, NamedQuery> {
  const out: Record<string, NamedQuery> = {};
  for (const check of checks) {
    if (check.type !== 'prometheus') continue;
    const p = check.params as { query?: unknown; aggregate?: unknown; empty_as?: unknown };
    if (typeof p.query !== 'string') continue;
    out[check.id] = {
      query: p.query,
      aggregate: typeof p.aggregate === 'string' ? (p.aggregate as Aggregate) : undefined,
      empty_as: typeof p.empty_as === 'number' ? p.empty_as : undefined,
    };
  }
  return out;
}
