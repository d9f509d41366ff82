import { formatDuration, parseDuration } from '../plan/duration.js';
import {
  DEFAULT_SUSTAINED_FOR,
  DEFAULT_SUSTAINED_THRESHOLDS,
  DEFAULT_SUSTAINED_WINDOW,
  RESOURCE_TEXT,
  describeSize,
  describeUtilisation,
  episodesAbove,
  utilisationFigures,
  type PercentPoint,
  type UtilisationResource,
} from './host-figures.js';
import { localCores, localLinkSpeedKnown, localMemory, sampleLocal } from './host-local.js';
import { NODE_EXPORTER_QUERIES } from './node-exporter.js';
import { createPrometheusClient, type PrometheusClient } from './prometheus-client.js';
import { manualFallback } from './manual-fallback.js';
import { resolvePrometheusSource } from './prometheus-source.js';
import { measurePromql, type PromqlSpec } from './promql-measure.js';
import { chooseStepS } from './promql.js';
import { defineCheck, type CheckContext, type Figures, type RawOutcome } from './types.js';
import type { CheckParams } from '../plan/check-types.js';

type Params = CheckParams<'host_resources'>;

/** Without a window, local rates are taken over this one interval. */
const LOCAL_INSTANT_MS = 1_000;
const SERVER_TIMEOUT_MARGIN_MS = 1_000;

/**
 * The database host's resources, as the seed's criteria name them: cores and
 * memory size (cp1), utilisation of CPU, memory, storage I/O and network over
 * a window (the load test's peaks, the stability window's ranges), and
 * stretches of sustained high use. From Prometheus (node_exporter, the
 * environment's instance label) by default, or from the worker's own host.
 *
 * Figures: cpu_cores → cores; memory_total / memory_available → bytes;
 * cpu / memory / io / network → avg_pct, peak_pct, min_pct (value = the
 * average over the window, or the reading now without one); sustained →
 * episodes (value), sustained_ms (the longest stretch above a threshold).
 */
export const hostResourcesCheck = defineCheck({
  type: 'host_resources',
  defaultTimeoutMs: 30_000,
  async run(params, ctx): Promise<RawOutcome> {
    if (params.source === 'local') return fromLocal(params, ctx);
    const what = { resource: params.resource, source: 'prometheus', ...(params.window ? { window: params.window } : {}) };
    const resolved = resolvePrometheusSource(ctx, what);
    if ('outcome' in resolved) return resolved.outcome;
    return fromPrometheus(params, ctx, createPrometheusClient(resolved.source));
  },
});

// ---------- Prometheus ----------

async function fromPrometheus(params: Params, ctx: CheckContext, client: PrometheusClient): Promise<RawOutcome> {
  const instance = ctx.plan.environments[ctx.environment]?.prometheus_instance;
  const base = {
    instance,
    environment: ctx.environment,
    now: ctx.clock.now(),
    signal: ctx.signal,
    timeoutMs: Math.max(1_000, ctx.timeoutMs - SERVER_TIMEOUT_MARGIN_MS),
  };
  const resource = params.resource;

  if (resource === 'cpu_cores' || resource === 'memory_total' || resource === 'memory_available') {
    const m = await measurePromql(client, { ...base, template: NODE_EXPORTER_QUERIES[resource], aggregate: 'last' });
    if (!m.ok) return notMeasured(m.reason, m.evidence);
    const value = Math.round(m.value);
    const observed: Figures = resource === 'cpu_cores' ? { value, cores: value } : { value, bytes: value };
    return { status: 'pass', observed, evidence: { ...m.evidence, source: 'prometheus' }, message: `${describeSize(resource, value)} (${instanceText(instance)})` };
  }

  if (resource === 'network' && (await linkSpeedMissing(client, base))) {
    return manualFallback(ctx.plan, noLinkSpeed(instance), { source: 'prometheus', resource, instance });
  }

  if (resource !== 'sustained') {
    const windowMs = params.window !== undefined ? parseDuration(params.window) : undefined;
    const m = await measurePromql(client, { ...base, template: NODE_EXPORTER_QUERIES[resource], rangeMs: windowMs, aggregate: windowMs ? 'avg' : 'last' });
    if (!m.ok) return notMeasured(m.reason, m.evidence);
    const figures = utilisationFigures(m.series.flatMap((s) => s.points), windowMs !== undefined);
    return {
      status: 'pass',
      observed: figures,
      evidence: { ...m.evidence, source: 'prometheus', figures },
      message: `${describeUtilisation(resource, figures, windowMs)} (${instanceText(instance)})`,
    };
  }

  const settings = sustainedSettings(params);
  const { windowMs, minMs } = settings;
  let { thresholds } = settings;
  let unmeasured: Unmeasured | undefined;
  if (thresholds.some(([r]) => r === 'network') && (await linkSpeedMissing(client, base))) {
    thresholds = thresholds.filter(([r]) => r !== 'network');
    unmeasured = { resource: 'network', reason: noLinkSpeed(instance) };
    if (thresholds.length === 0) return manualFallback(ctx.plan, unmeasured.reason, { source: 'prometheus', resource, instance });
  }
  const stepS = chooseStepS(windowMs);
  const perResource = await Promise.all(
    thresholds.map(async ([r, threshold]) => ({
      r,
      threshold,
      m: await measurePromql(client, { ...base, template: NODE_EXPORTER_QUERIES[r], rangeMs: windowMs, aggregate: 'max' }),
    })),
  );
  const failed = perResource.find((x) => !x.m.ok);
  if (failed && !failed.m.ok) return notMeasured(`${RESOURCE_TEXT[failed.r]}: ${failed.m.reason}`, failed.m.evidence);
  const series = new Map(perResource.map((x) => [x.r, x.m.ok ? x.m.series.flatMap((s) => s.points) : []]));
  const evidence = Object.fromEntries(perResource.map((x) => [x.r, x.m.evidence]));
  return sustainedOutcome(ctx, thresholds, series, stepS, windowMs, minMs, { source: 'prometheus', per_resource: evidence }, instanceText(instance), unmeasured);
}

/**
 * Bandwidth utilisation needs node_network_speed_bytes; virtual NICs often
 * report none. True only when node_exporter answers for the instance and no
 * interface has a speed (a wrong instance label is reported as no data).
 */
async function linkSpeedMissing(client: PrometheusClient, base: Omit<PromqlSpec, 'template' | 'aggregate'>): Promise<boolean> {
  const I = 'instance="{{instance}}",device!="lo"';
  const [nics, speeds] = await Promise.all([
    measurePromql(client, { ...base, rangeMs: undefined, template: `count(node_network_receive_bytes_total{${I}})`, aggregate: 'last', emptyAs: 0 }),
    measurePromql(client, { ...base, rangeMs: undefined, template: `count(node_network_speed_bytes{${I}} > 0)`, aggregate: 'last', emptyAs: 0 }),
  ]);
  return nics.ok && speeds.ok && nics.value > 0 && speeds.value === 0;
}

const NO_LINK_SPEED_LOCAL = 'bandwidth utilisation needs the link speed, and no network interface of the worker host reports one (/sys/class/net/*/speed)';

function noLinkSpeed(instance: string | undefined): string {
  return `bandwidth utilisation needs the link speed, and no network interface of instance ${instance} reports one (node_network_speed_bytes)`;
}

function instanceText(instance: string | undefined): string {
  return instance !== undefined ? `instance ${instance}` : 'Prometheus';
}

function notMeasured(reason: string, evidence: Record<string, unknown>): RawOutcome {
  return { status: 'error', observed: { value: null }, evidence, message: reason };
}

// ---------- sustained ----------

function sustainedSettings(params: Params): { windowMs: number; minMs: number; thresholds: Array<[UtilisationResource, number]> } {
  const given = params.thresholds && Object.keys(params.thresholds).length > 0 ? params.thresholds : DEFAULT_SUSTAINED_THRESHOLDS;
  return {
    windowMs: parseDuration(params.window ?? DEFAULT_SUSTAINED_WINDOW),
    minMs: parseDuration(params.sustained_for ?? DEFAULT_SUSTAINED_FOR),
    thresholds: Object.entries(given).filter((e): e is [UtilisationResource, number] => typeof e[1] === 'number'),
  };
}

interface Unmeasured {
  resource: UtilisationResource;
  reason: string;
}

function sustainedOutcome(
  ctx: Pick<CheckContext, 'plan'>,
  thresholds: Array<[UtilisationResource, number]>,
  series: Map<UtilisationResource, PercentPoint[]>,
  stepS: number,
  windowMs: number,
  minMs: number,
  evidence: Record<string, unknown>,
  where: string,
  unmeasured?: Unmeasured,
): RawOutcome {
  let longest = 0;
  let episodes = 0;
  const found: Record<string, unknown> = {};
  const worst: string[] = [];
  for (const [r, threshold] of thresholds) {
    const e = episodesAbove(series.get(r) ?? [], threshold, stepS, minMs);
    longest = Math.max(longest, e.longestMs);
    episodes += e.episodes;
    found[r] = { threshold_pct: threshold, longest_ms: e.longestMs, episodes: e.episodes, peak_pct: e.peak };
    if (e.episodes > 0) worst.push(`${RESOURCE_TEXT[r]} above ${threshold}% for ${formatDuration(e.longestMs)}`);
  }
  const rule = thresholds.map(([r, t]) => `${RESOURCE_TEXT[r]} > ${t}%`).join(', ');
  const message =
    episodes === 0
      ? `no sustained high use over the last ${formatDuration(windowMs)} (${rule} for ${formatDuration(minMs)} or more; longest stretch ${formatDuration(longest)}; ${where})`
      : `${episodes} stretch${episodes === 1 ? '' : 'es'} of sustained high use over the last ${formatDuration(windowMs)}: ${worst.join('; ')} (${where})`;
  const fullEvidence = {
    ...evidence,
    window_ms: windowMs,
    sustained_for_ms: minMs,
    step_s: stepS,
    thresholds: found,
    ...(unmeasured ? { not_measured: { [unmeasured.resource]: unmeasured.reason } } : {}),
  };
  // What was measured is clean, but one resource could not be: a person closes the gap.
  if (unmeasured && episodes === 0) {
    return manualFallback(ctx.plan, `${message}; ${RESOURCE_TEXT[unmeasured.resource]} not measured: ${unmeasured.reason}`, fullEvidence);
  }
  return {
    status: 'pass',
    observed: { value: episodes, episodes, sustained_ms: longest },
    evidence: fullEvidence,
    message: unmeasured ? `${message}; ${RESOURCE_TEXT[unmeasured.resource]} not measured` : message,
  };
}

// ---------- the worker's own host ----------

async function fromLocal(params: Params, ctx: CheckContext): Promise<RawOutcome> {
  const resource = params.resource;
  if (resource === 'cpu_cores') {
    const cores = await localCores();
    return { status: 'pass', observed: { value: cores, cores }, evidence: { source: 'local' }, message: `${describeSize(resource, cores)} (worker host)` };
  }
  if (resource === 'memory_total' || resource === 'memory_available') {
    const m = await localMemory();
    const bytes = resource === 'memory_total' ? m.total : m.available;
    return { status: 'pass', observed: { value: bytes, bytes }, evidence: { source: 'local', from: '/proc/meminfo' }, message: `${describeSize(resource, bytes)} (worker host)` };
  }
  if (resource === 'network' && !(await localLinkSpeedKnown())) {
    return manualFallback(ctx.plan, NO_LINK_SPEED_LOCAL, { source: 'local', resource });
  }
  const sustained = resource === 'sustained' ? sustainedSettings(params) : undefined;
  let unmeasured: Unmeasured | undefined;
  if (sustained && sustained.thresholds.some(([r]) => r === 'network') && !(await localLinkSpeedKnown())) {
    sustained.thresholds = sustained.thresholds.filter(([r]) => r !== 'network');
    unmeasured = { resource: 'network', reason: NO_LINK_SPEED_LOCAL };
  }
  const windowMs = sustained?.windowMs ?? (params.window !== undefined ? parseDuration(params.window) : LOCAL_INSTANT_MS);
  if (windowMs >= ctx.timeoutMs) {
    return {
      status: 'error',
      observed: { value: null },
      evidence: { source: 'local', window_ms: windowMs, timeout_ms: ctx.timeoutMs },
      message: `sampling the worker host for ${formatDuration(windowMs)} does not fit the check's ${formatDuration(ctx.timeoutMs)} timeout; give the check a longer timeout, or read the window from Prometheus`,
    };
  }
  const resources = sustained ? sustained.thresholds.map(([r]) => r) : [resource as UtilisationResource];
  if (resources.length === 0 && unmeasured) return manualFallback(ctx.plan, unmeasured.reason, { source: 'local', resource });
  let samples;
  try {
    samples = await sampleLocal(resources, windowMs, ctx.signal);
  } catch (err) {
    const reason = ctx.signal.aborted ? 'stopped before the window ended' : err instanceof Error ? err.message : String(err);
    return { status: 'error', observed: { value: null }, evidence: { source: 'local' }, message: `cannot sample the worker host: ${reason}` };
  }
  if (sustained) {
    return sustainedOutcome(ctx, sustained.thresholds, samples.points, samples.stepS, windowMs, sustained.minMs, { source: 'local' }, 'worker host', unmeasured);
  }
  const r = resource as UtilisationResource;
  const points = samples.points.get(r) ?? [];
  const windowed = params.window !== undefined;
  const figures = utilisationFigures(points, windowed);
  if (figures.value === null) {
    return { status: 'error', observed: figures, evidence: { source: 'local' }, message: `the worker host gave no ${RESOURCE_TEXT[r]} reading` };
  }
  return {
    status: 'pass',
    observed: figures,
    evidence: { source: 'local', samples: points.length, step_s: samples.stepS, figures },
    message: `${describeUtilisation(r, figures, windowed ? windowMs : undefined)} (worker host)`,
  };
}
