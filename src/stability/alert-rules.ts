import { evaluateExpectations, type Expectation } from '../plan/expect.js';
import { allChecks, expectationsOf, findCheckpoint, type Plan, type TriggerCondition } from '../plan/schema.js';
import type { ProbeKind, SampleKind } from '../store/samples.js';
import type { MetricsFigures } from './metrics-sample.js';

/**
 * When one sample breaks a threshold (DESIGN.md: "Automated alerting for
 * threshold breaches"). Each rule names the metric an alert is kept for
 * (one open alert per plan, environment and metric) and the severity whose
 * escalation roles it mentions. Thresholds come from the checkpoint's own
 * fail triggers and expectations where it has them (regression beyond -5 %,
 * pruning under 40 %, host peaks), with the seed's values otherwise.
 *
 * The monitoring window (production) uses the severities as written: a
 * database or application that stops answering is SEV 1 ("Production
 * down"), a regression or a full connection table SEV 2 ("degraded"), the
 * rest SEV 3. Another window (cp2's staging) is never above SEV 3.
 *
 * Pure: a verdict per metric, `breached: undefined` when the sample did not
 * measure it (an alert is neither opened nor cleared by a missing figure).
 */

export interface AlertVerdict {
  metric: string;
  breached: boolean | undefined;
  /** Severity level (1 = SEV 1). */
  level: number;
  /** What a person reads: "Q2 took 3.9 ms, +41 % over its baseline 2.8 ms (alert above +5 %)". */
  detail: string;
  value: unknown;
}

export interface SampleForAlerts {
  kind: SampleKind;
  ok: boolean | null;
  error: string | null;
  latencyMs: number | null;
  figures: Record<string, unknown>;
}

const PROBE_LABEL: Record<ProbeKind, string> = { database: 'database probe', application: 'application probe', network: 'network probe (new connection)' };
const PROBE_LEVEL: Record<ProbeKind, number> = { database: 1, application: 1, network: 2 };
const HOST_FIGURES = { cpu_pct: 'cpu', memory_pct: 'memory', io_pct: 'io', network_pct: 'network' } as const;
const DEFAULT_HOST_PEAKS: Record<string, number> = { cpu: 85, memory: 90, io: 80, network: 80 };

export interface AlertThresholds {
  /** A query this much slower than its baseline (percent) alerts. */
  regressionPct: number;
  /** Pruning share of the sampled queries under this (percent) alerts. */
  pruningMinPct: number;
  connectionsMaxPct: number;
  /** Host peak bounds by resource (percent). */
  hostPeaks: Record<string, number>;
  /** The checkpoint's Prometheus checks sampled each minute, with their expectations. */
  prometheus: Record<string, Expectation[]>;
  production: boolean;
}

export function alertThresholds(plan: Plan, checkpointId: string): AlertThresholds {
  const cp = findCheckpoint(plan, checkpointId);
  const leaves = cp ? cp.triggers.flatMap((t) => leavesOf(t.condition)) : [];
  const comparison = (metric: string) => leaves.find((l) => 'op' in l && l.metric === metric && typeof l.value === 'number') as { value: number } | undefined;
  const hostPeaks = { ...DEFAULT_HOST_PEAKS };
  const prometheus: Record<string, Expectation[]> = {};
  for (const check of cp ? allChecks(cp) : []) {
    if (check.type === 'host_resources') {
      const resource = (check.params as { resource?: string }).resource;
      const peak = expectationsOf(check).find((e) => e.metric === 'peak_pct' && !e.advisory && typeof e.value === 'number');
      if (resource && peak && resource in hostPeaks) hostPeaks[resource] = peak.value as number;
    }
    if (check.type === 'prometheus' && expectationsOf(check).length) prometheus[check.id] = expectationsOf(check).filter((e) => !e.advisory);
  }
  return {
    regressionPct: Math.abs(comparison('improvement_pct')?.value ?? -5),
    pruningMinPct: comparison('pruned_pct')?.value ?? 40,
    connectionsMaxPct: 90,
    hostPeaks,
    prometheus,
    production: cp?.monitoring !== undefined,
  };
}

function leavesOf(c: TriggerCondition): TriggerCondition[] {
  if ('any_of' in c) return c.any_of.flatMap(leavesOf);
  if ('all_of' in c) return c.all_of.flatMap(leavesOf);
  return [c];
}

/** Verdicts for one sample; `previous` is the window's previous metrics sample (a regression must hold twice). */
export function judgeSample(t: AlertThresholds, sample: SampleForAlerts, previous?: Record<string, unknown>): AlertVerdict[] {
  const level = (base: number) => (t.production ? base : Math.max(base, 3));
  if (sample.kind !== 'metrics') {
    const kind = sample.kind;
    return [
      {
        metric: `probe_${kind}`,
        breached: sample.ok === null ? undefined : !sample.ok,
        level: level(PROBE_LEVEL[kind]),
        detail: sample.ok ? `${PROBE_LABEL[kind]} answers (${sample.latencyMs ?? '?'} ms)` : `${PROBE_LABEL[kind]} fails: ${sample.error ?? 'no answer'}`,
        value: { ok: sample.ok, latency_ms: sample.latencyMs, error: sample.error },
      },
    ];
  }

  const f = sample.figures as unknown as MetricsFigures;
  const before = (previous ?? {}) as unknown as Partial<MetricsFigures>;
  const out: AlertVerdict[] = [];
  for (const [id, q] of Object.entries(f.queries ?? {})) {
    if (q.vs_baseline_pct === undefined) continue;
    const prior = before.queries?.[id]?.vs_baseline_pct;
    const over = (pct: number | undefined) => pct !== undefined && pct > t.regressionPct;
    // One slow minute is noise; two in a row is a regression. Back within bounds clears it.
    const breached = over(q.vs_baseline_pct) ? (over(prior) ? true : undefined) : false;
    out.push({
      metric: `latency_${id}`,
      breached,
      level: level(2),
      detail: `${id} took ${q.ms} ms, ${signedPct(q.vs_baseline_pct)} against its baseline ${q.baseline_ms} ms (alert above +${t.regressionPct} %)`,
      value: { ms: q.ms, baseline_ms: q.baseline_ms, vs_baseline_pct: q.vs_baseline_pct },
    });
  }
  if (f.pruning && f.pruning.pct !== null) {
    out.push({
      metric: 'pruning',
      breached: f.pruning.pct < t.pruningMinPct,
      level: level(3),
      detail: `${f.pruning.pruned} of ${f.pruning.queries} sampled queries pruned partitions (${f.pruning.pct} %, alert under ${t.pruningMinPct} %)`,
      value: f.pruning,
    });
  }
  const used = f.connections?.used_pct;
  if (typeof used === 'number') {
    out.push({
      metric: 'connections',
      breached: used > t.connectionsMaxPct,
      level: level(2),
      detail: `${f.connections?.total} of ${f.connections?.max} connections in use (${used} %, alert above ${t.connectionsMaxPct} %)`,
      value: f.connections,
    });
  }
  const deadlocks = f.database?.deadlocks_delta;
  if (typeof deadlocks === 'number') {
    out.push({ metric: 'deadlocks', breached: deadlocks > 0, level: level(3), detail: `${deadlocks} deadlock${deadlocks === 1 ? '' : 's'} since the previous sample`, value: deadlocks });
  }
  for (const [name, resource] of Object.entries(HOST_FIGURES)) {
    const v = f.host?.[name];
    if (typeof v !== 'number') continue;
    const peak = t.hostPeaks[resource] ?? 100;
    out.push({ metric: `host_${resource}`, breached: v >= peak, level: level(3), detail: `host ${resource} at ${v} % (peak bound < ${peak} %)`, value: v });
  }
  for (const [checkId, expectations] of Object.entries(t.prometheus)) {
    const v = f.prometheus?.[checkId];
    if (typeof v !== 'number' || expectations.length === 0) continue;
    const verdict = evaluateExpectations(expectations, { value: v }, 'value');
    out.push({ metric: `prometheus_${checkId}`, breached: !verdict.ok, level: level(3), detail: `${checkId} reads ${v}`, value: v });
  }
  return out;
}

function signedPct(n: number): string {
  return `${n > 0 ? '+' : ''}${Math.round(n * 10) / 10} %`;
}
