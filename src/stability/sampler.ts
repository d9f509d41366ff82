import os from 'node:os';
import path from 'node:path';
import { samplePrometheus, sampleQueriesOf, HOST_SAMPLE_FIGURES } from '../checks/prometheus-sample.js';
import { resolvePrometheusSource } from '../checks/prometheus-source.js';
import { localMemory } from '../checks/host-local.js';
import { round2 } from '../checks/stats.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { describeError } from '../errors.js';
import type { Logger } from '../logger.js';
import { loadNamedQueries, type NamedQuery } from '../perf/named-queries.js';
import type { PlanRegistry } from '../plan-registry.js';
import { allChecks, findCheckpoint, type Plan } from '../plan/schema.js';
import type { BaselineRecord } from '../store/baselines.js';
import type { Store } from '../store/index.js';
import type { ProbeKind } from '../store/samples.js';
import { alertThresholds, judgeSample } from './alert-rules.js';
import type { AlertNotifier } from './alerts.js';
import { takeMetricsSample, type MetricsFigures } from './metrics-sample.js';
import { applicationTarget, createProbePools, probe, probeTimeoutMs } from './probes.js';
import { slotOf, stabilityWindowsOf, type StabilityWindow } from './windows.js';

/**
 * The worker side of a stability window: one tick of probes (every few
 * seconds) or of metrics (every minute), at the tick's scheduled time.
 * Each tick is idempotent: its sample goes to the slot of its scheduled
 * time and a second delivery finds the slot taken; only the tick that
 * stored the sample judges it for alerts. A tick outside its window (BullMQ
 * lets one more fire after a scheduler's end date) stores nothing.
 */

/** A tick past the window's end: BullMQ lets one fire after a scheduler's end date. */
export const AFTER_WINDOW = 'the window is over';

export interface SamplerDeps {
  plans: PlanRegistry;
  store: Pick<Store, 'samples' | 'baselines'>;
  config: Pick<Config, 'webUrl' | 'readVariable'>;
  clock: Clock;
  logger: Logger;
  alerts?: Pick<AlertNotifier, 'apply'> | undefined;
}

export interface TickInput {
  planId: string;
  windowId: string;
  /** The tick's scheduled time. */
  at: Date;
}

export type TickResult = { skipped: string } | { stored: string[]; duplicates: string[] };

export function createSampler(deps: SamplerDeps) {
  const pools = createProbePools();
  const queryCache = new Map<string, Promise<NamedQuery[]>>();

  function locate(input: TickInput): { plan: Plan; window: StabilityWindow } | { skipped: string } {
    const plan = deps.plans.get(input.planId);
    if (!plan) return { skipped: `plan ${input.planId} is not loaded` };
    const window = stabilityWindowsOf(plan, deps.plans.momentContext(plan.id)).find((w) => w.id === input.windowId);
    if (!window) return { skipped: `plan ${plan.id} has no stability window ${input.windowId}` };
    if (input.at < window.start) return { skipped: 'the tick comes before the window' };
    if (input.at >= window.end) return { skipped: AFTER_WINDOW };
    return { plan, window };
  }

  function namedQueries(plan: Plan): Promise<NamedQuery[]> {
    let cached = queryCache.get(plan.id);
    if (!cached) {
      const dir = path.dirname(path.resolve(deps.plans.loaded(plan.id)?.file ?? '.'));
      cached = loadNamedQueries(plan, dir).catch((err: unknown) => {
        queryCache.delete(plan.id);
        throw err;
      });
      queryCache.set(plan.id, cached);
    }
    return cached;
  }

  async function judgeAndAlert(plan: Plan, window: StabilityWindow, sample: Parameters<typeof judgeSample>[1], at: Date, previous?: Record<string, unknown>) {
    if (!deps.alerts) return;
    try {
      const verdicts = judgeSample(alertThresholds(plan, window.checkpointId), sample, previous);
      await deps.alerts.apply({ planId: plan.id, environment: window.environment, verdicts, at });
    } catch (err) {
      deps.logger.error({ err, window: window.id }, 'could not judge a sample for alerts');
    }
  }

  return {
    async probeTick(input: TickInput): Promise<TickResult> {
      const found = locate(input);
      if ('skipped' in found) return found;
      const { plan, window } = found;
      const databaseUrl = deps.plans.envUrl(plan.id, window.environment, 'read');
      const timeoutMs = probeTimeoutMs(window.probeEveryMs);
      const slot = slotOf(window, window.probeEveryMs, input.at);
      const results = await Promise.all(
        window.probes.map(async (kind: ProbeKind) => {
          const http = kind === 'application' ? applicationTarget(plan, window.endpoint, { selfBaseUrl: deps.config.webUrl, readVariable: (n) => deps.config.readVariable?.(n) }) : undefined;
          return { kind, result: await probe({ kind, databaseUrl, http, query: window.probeQuery, timeoutMs }, pools) };
        }),
      );
      const stored: string[] = [];
      const duplicates: string[] = [];
      for (const { kind, result } of results) {
        const isNew = await deps.store.samples.record({
          windowId: window.id,
          planId: plan.id,
          checkpointId: window.checkpointId,
          environment: window.environment,
          kind,
          slot,
          everyMs: window.probeEveryMs,
          at: input.at,
          ok: result.ok,
          timedOut: result.timedOut,
          latencyMs: result.latencyMs,
          error: result.error,
          figures: result.figures,
        });
        (isNew ? stored : duplicates).push(kind);
        if (isNew) await judgeAndAlert(plan, window, { kind, ok: result.ok, error: result.error, latencyMs: result.latencyMs, figures: result.figures }, input.at);
      }
      return { stored, duplicates };
    },

    async metricsTick(input: TickInput): Promise<TickResult> {
      const found = locate(input);
      if ('skipped' in found) return found;
      const { plan, window } = found;
      const slot = slotOf(window, window.metricsEveryMs, input.at);
      const previous = await deps.store.samples.previous(window.id, 'metrics', input.at);
      const baselines = new Map<string, BaselineRecord>();
      let queries: NamedQuery[] = [];
      const early: Record<string, string> = {};
      try {
        queries = await namedQueries(plan);
        for (const q of queries) {
          const b = await deps.store.baselines.get(plan.id, window.environment, q.id);
          if (b) baselines.set(q.id, b);
        }
      } catch (err) {
        early.queries = describeError(err);
      }
      const timeoutMs = Math.min(60_000, Math.max(2_000, Math.round(window.metricsEveryMs / 2)));
      const figures: MetricsFigures = await takeMetricsSample({
        url: deps.plans.envUrl(plan.id, window.environment, 'read'),
        table: plan.target.table,
        queries,
        baselines,
        slot,
        everyMs: window.metricsEveryMs,
        timeoutMs,
        previous: previous?.figures,
      });
      Object.assign(figures.errors, early);
      await addHostFigures(plan, window, figures, previous?.figures, input.at, timeoutMs);
      const isNew = await deps.store.samples.record({
        windowId: window.id,
        planId: plan.id,
        checkpointId: window.checkpointId,
        environment: window.environment,
        kind: 'metrics',
        slot,
        everyMs: window.metricsEveryMs,
        at: input.at,
        figures: figures as unknown as Record<string, unknown>,
      });
      if (isNew) {
        await judgeAndAlert(plan, window, { kind: 'metrics', ok: null, error: null, latencyMs: null, figures: figures as unknown as Record<string, unknown> }, input.at, previous?.figures);
      }
      return isNew ? { stored: ['metrics'], duplicates: [] } : { stored: [], duplicates: ['metrics'] };
    },

    async close(): Promise<void> {
      await pools.close();
    },
  };

  /**
   * Host figures: Prometheus (node_exporter of the environment's instance, and
   * the checkpoint's own PromQL checks by id) when configured; otherwise, if
   * the window asks for host probes, the worker's own machine.
   */
  async function addHostFigures(plan: Plan, window: StabilityWindow, figures: MetricsFigures, previous: Record<string, unknown> | undefined, at: Date, timeoutMs: number) {
    const resolved = resolvePrometheusSource({ plan, readVariable: (n) => deps.config.readVariable?.(n) }, {});
    if ('source' in resolved) {
      const cp = findCheckpoint(plan, window.checkpointId);
      const sample = await samplePrometheus({
        source: resolved.source,
        instance: plan.environments[window.environment]?.prometheus_instance,
        environment: window.environment,
        at,
        host: window.host,
        queries: cp ? sampleQueriesOf(allChecks(cp)) : {},
        timeoutMs,
      });
      const host: Record<string, number | string | null> = { source: 'prometheus' };
      const named: Record<string, number | null> = {};
      for (const [name, value] of Object.entries(sample.figures)) {
        if (name in HOST_SAMPLE_FIGURES) host[name] = value;
        else named[name] = value;
      }
      if (window.host) figures.host = host;
      if (Object.keys(named).length) figures.prometheus = named;
      for (const [name, reason] of Object.entries(sample.errors)) figures.errors[`prometheus_${name}`] = reason;
      return;
    }
    if (!window.host) return;
    // No Prometheus: the worker's own host (the demo runs everything on one machine).
    const cpus = os.cpus();
    const idle = cpus.reduce((s, c) => s + c.times.idle, 0);
    const total = cpus.reduce((s, c) => s + c.times.user + c.times.nice + c.times.sys + c.times.idle + c.times.irq, 0);
    const before = previous?.host as Record<string, unknown> | undefined;
    const sameHost = before?.hostname === os.hostname() && typeof before.cpu_idle === 'number' && typeof before.cpu_total === 'number';
    const dTotal = sameHost ? total - (before.cpu_total as number) : 0;
    const memory = await localMemory().catch(() => undefined);
    figures.host = {
      source: 'local',
      hostname: os.hostname(),
      cpu_idle: idle,
      cpu_total: total,
      cpu_pct: dTotal > 0 ? round2(100 * (1 - (idle - (before!.cpu_idle as number)) / dTotal)) : null,
      memory_pct: memory && memory.total > 0 ? round2(100 * (1 - memory.available / memory.total)) : null,
    };
  }
}

export type Sampler = ReturnType<typeof createSampler>;
