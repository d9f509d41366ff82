import type { CheckParams } from '../plan/check-types.js';
import { formatBytes } from '../plan/units.js';
import { createPrometheusClient } from './prometheus-client.js';
import { resolvePrometheusSource } from './prometheus-source.js';
import { measurePromql } from './promql-measure.js';
import { escapePromqlString } from './promql.js';
import type { CheckContext, RawOutcome } from './types.js';

/** Which file system of the database host: node_exporter's mountpoint, or the one holding `path`. */
export interface FileSystemRef {
  location: 'path' | 'data_directory';
  path?: string | undefined;
  mountpoint?: string | undefined;
}

export type FreeSpace =
  | { ok: true; freeBytes: number; totalBytes: number; mountpoint: string; instance: string | undefined; evidence: Record<string, unknown> }
  | { ok: false; outcome: RawOutcome };

/**
 * Free space of the database host's file system from node_exporter
 * (node_filesystem_avail_bytes, what `df` shows as available to non-root
 * users, and node_filesystem_size_bytes). The file system is named by
 * `mountpoint`; without it, the mount point holding `path` (the longest one
 * that is a prefix of it). Shared by disk_free and disk_headroom: a remote
 * database's data volume is only visible this way.
 */
export async function freeSpaceFromPrometheus(fs: FileSystemRef, ctx: CheckContext): Promise<FreeSpace> {
  const what = { source: 'prometheus', ...(fs.mountpoint ? { mountpoint: fs.mountpoint } : {}), ...(fs.path ? { path: fs.path } : {}) };
  const resolved = resolvePrometheusSource(ctx, what);
  if ('outcome' in resolved) return { ok: false, outcome: resolved.outcome };
  const client = createPrometheusClient(resolved.source);
  const base = {
    instance: ctx.plan.environments[ctx.environment]?.prometheus_instance,
    environment: ctx.environment,
    now: ctx.clock.now(),
    signal: ctx.signal,
    timeoutMs: Math.max(1_000, ctx.timeoutMs - 1_000),
    aggregate: 'last' as const,
  };

  let mountpoint = fs.mountpoint;
  if (mountpoint === undefined) {
    if (fs.location !== 'path' || fs.path === undefined) {
      return error(what, "free space from Prometheus needs mountpoint: node_exporter's mountpoint label of the data volume (e.g. /var/lib/postgresql)");
    }
    const mounts = await measurePromql(client, { ...base, template: 'node_filesystem_size_bytes{instance="{{instance}}"}', aggregate: 'max' });
    if (!mounts.ok) return error(mounts.evidence, mounts.reason);
    mountpoint = longestPrefix(fs.path, mounts.series.map((s) => s.labels.mountpoint ?? ''));
    if (mountpoint === undefined) return error(what, `no file system of instance ${base.instance} holds ${fs.path}`);
  }

  const mp = escapePromqlString(mountpoint);
  const free = await measurePromql(client, { ...base, template: `max(node_filesystem_avail_bytes{instance="{{instance}}",mountpoint="${mp}"})` });
  if (!free.ok) return error(free.evidence, free.reason);
  const total = await measurePromql(client, { ...base, template: `max(node_filesystem_size_bytes{instance="{{instance}}",mountpoint="${mp}"})` });
  if (!total.ok) return error(total.evidence, total.reason);
  return {
    ok: true,
    freeBytes: Math.round(free.value),
    totalBytes: Math.round(total.value),
    mountpoint,
    instance: base.instance,
    evidence: { ...what, mountpoint, free_query: free.evidence, total_query: total.evidence },
  };
}

/** disk_free with `source: prometheus`. */
export async function diskFreeFromPrometheus(params: CheckParams<'disk_free'>, ctx: CheckContext): Promise<RawOutcome> {
  const space = await freeSpaceFromPrometheus(params, ctx);
  if (!space.ok) return space.outcome;
  const { freeBytes, totalBytes } = space;
  const freePct = totalBytes > 0 ? Math.round((freeBytes / totalBytes) * 10_000) / 100 : null;
  return {
    status: 'pass',
    observed: { free_bytes: freeBytes, total_bytes: totalBytes, free_pct: freePct },
    evidence: { ...space.evidence, free: formatBytes(freeBytes), total: formatBytes(totalBytes), free_pct: freePct },
    message: `${formatBytes(freeBytes)} free of ${formatBytes(totalBytes)} at ${space.mountpoint} (instance ${space.instance})`,
  };
}

function longestPrefix(path: string, mountpoints: string[]): string | undefined {
  const inside = (mp: string) => mp === '/' || path === mp || path.startsWith(`${mp.replace(/\/+$/, '')}/`);
  return mountpoints.filter((mp) => mp && inside(mp)).sort((a, b) => b.length - a.length)[0];
}

function error(evidence: Record<string, unknown>, message: string): FreeSpace {
  return { ok: false, outcome: { status: 'error', observed: {}, evidence, message } };
}
