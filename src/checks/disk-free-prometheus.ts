import type { CheckParams } from '../plan/check-types.js';
import { formatBytes } from '../plan/units.js';
import { createPrometheusClient } from './prometheus-client.js';
import { resolvePrometheusSource } from './prometheus-source.js';
import { measurePromql } from './promql-measure.js';
import { escapePromqlString } from './promql.js';
import type { CheckContext, RawOutcome } from './types.js';

/**
 * disk_free with `source: prometheus`: free space of the database host's
 * file system from node_exporter (node_filesystem_avail_bytes, what `df`
 * shows as available to non-root users, and node_filesystem_size_bytes).
 * The file system is named by `mountpoint`; without it, the mount point
 * holding `path` (the longest one that is a prefix of it).
 */
export async function diskFreeFromPrometheus(params: CheckParams<'disk_free'>, ctx: CheckContext): Promise<RawOutcome> {
  const what = { source: 'prometheus', ...(params.mountpoint ? { mountpoint: params.mountpoint } : {}), ...(params.path ? { path: params.path } : {}) };
  const resolved = resolvePrometheusSource(ctx, what);
  if ('outcome' in resolved) return resolved.outcome;
  const client = createPrometheusClient(resolved.source);
  const base = {
    instance: ctx.plan.environments[ctx.environment]?.prometheus_instance,
    environment: ctx.environment,
    now: ctx.clock.now(),
    signal: ctx.signal,
    timeoutMs: Math.max(1_000, ctx.timeoutMs - 1_000),
    aggregate: 'last' as const,
  };

  let mountpoint = params.mountpoint;
  if (mountpoint === undefined) {
    if (params.location !== 'path' || params.path === undefined) {
      return error(what, 'disk_free from Prometheus needs mountpoint: node_exporter\'s mountpoint label of the data volume (e.g. /var/lib/postgresql)');
    }
    const mounts = await measurePromql(client, { ...base, template: 'node_filesystem_size_bytes{instance="{{instance}}"}', aggregate: 'max' });
    if (!mounts.ok) return error(mounts.evidence, mounts.reason);
    mountpoint = longestPrefix(params.path, mounts.series.map((s) => s.labels.mountpoint ?? ''));
    if (mountpoint === undefined) return error(what, `no file system of instance ${base.instance} holds ${params.path}`);
  }

  const mp = escapePromqlString(mountpoint);
  const free = await measurePromql(client, { ...base, template: `max(node_filesystem_avail_bytes{instance="{{instance}}",mountpoint="${mp}"})` });
  if (!free.ok) return error(free.evidence, free.reason);
  const total = await measurePromql(client, { ...base, template: `max(node_filesystem_size_bytes{instance="{{instance}}",mountpoint="${mp}"})` });
  if (!total.ok) return error(total.evidence, total.reason);
  const freeBytes = Math.round(free.value);
  const totalBytes = Math.round(total.value);
  const freePct = totalBytes > 0 ? Math.round((freeBytes / totalBytes) * 10_000) / 100 : null;
  return {
    status: 'pass',
    observed: { free_bytes: freeBytes, total_bytes: totalBytes, free_pct: freePct },
    evidence: { ...what, mountpoint, free: formatBytes(freeBytes), total: formatBytes(totalBytes), free_pct: freePct, free_query: free.evidence, total_query: total.evidence },
    message: `${formatBytes(freeBytes)} free of ${formatBytes(totalBytes)} at ${mountpoint} (instance ${base.instance})`,
  };
}

function longestPrefix(path: string, mountpoints: string[]): string | undefined {
  const inside = (mp: string) => mp === '/' || path === mp || path.startsWith(`${mp.replace(/\/+$/, '')}/`);
  return mountpoints.filter((mp) => mp && inside(mp)).sort((a, b) => b.length - a.length)[0];
}

function error(evidence: Record<string, unknown>, message: string): RawOutcome {
  return { status: 'error', observed: {}, evidence, message };
}
