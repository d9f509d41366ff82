import { checkTypes } from '../plan/check-types.js';
import { parseDuration } from '../plan/duration.js';
import { allChecks, type Checkpoint, type Plan } from '../plan/schema.js';
import { localParts, resolveMoment, type MomentContext } from '../plan/time.js';
import type { ProbeKind } from '../store/samples.js';

/**
 * Stability windows: when and where the worker samples an environment.
 *
 *  - A checkpoint with a `monitoring` section (cp4): its monitoring period on
 *    the checkpoint's environment, probes every `sampling.every` (the
 *    downtime bound needs seconds: 99.95 % of 48 h is 86 s), metrics every
 *    minute; the window is evaluated (a run of the checkpoint) at its
 *    `decide_at`, or at the period's end.
 *  - A checkpoint whose `stability` checks read stored samples
 *    (`source: samples`, cp2's 24 h on staging): from its test phases (or
 *    the check's window before the checkpoint's own window) to the end of
 *    the checkpoint's window, so whatever 24 h precede a run are sampled.
 *
 * Pure: the plan and its moment context in, windows out. A relative plan
 * without a recorded start has none yet.
 */

export interface StabilityWindow {
  /** `plan.checkpoint.environment`: the samples' window_id. */
  id: string;
  /** The same with only [A-Za-z0-9_-], for BullMQ ids. */
  key: string;
  planId: string;
  checkpointId: string;
  environment: string;
  start: Date;
  end: Date;
  probeEveryMs: number;
  metricsEveryMs: number;
  probes: ProbeKind[];
  /** Host figures (Prometheus, or the worker's own host) in the metrics samples. */
  host: boolean;
  /** The plan endpoint the application probe calls. */
  endpoint?: string | undefined;
  /** The database probe's query, when the plan gives one. */
  probeQuery?: string | undefined;
  /** When the window is judged by a run of its checkpoint (monitoring windows only). */
  evaluateAt?: Date | undefined;
  from: 'monitoring' | 'checks';
}

/** Probes of a window without a monitoring section: a few seconds, as the downtime bounds need. */
export const DEFAULT_PROBE_EVERY_MS = 5_000;
/** "Every minute": query timings, pg_stat_database, connections, locks, pruning, host figures. */
export const METRICS_EVERY_MS = 60_000;
/** The demo folds 50.5 h into 30 minutes: its metrics come every 30 s. */
export const RELATIVE_METRICS_EVERY_MS = 30_000;

const PROBE_KINDS: readonly ProbeKind[] = ['database', 'application', 'network'];

interface StabilityParams {
  source: 'samples' | 'inline';
  window: string;
  sample_every: string;
  probe: ProbeKind;
  endpoint?: string | undefined;
  query?: string | undefined;
}

function stabilityChecksOf(cp: Checkpoint): StabilityParams[] {
  return allChecks(cp)
    .filter((c) => c.type === 'stability')
    .map((c) => checkTypes.stability.params.parse(c.params) as StabilityParams);
}

export function windowIdOf(planId: string, checkpointId: string, environment: string): string {
  return `${planId}.${checkpointId}.${environment}`;
}

export function safeKey(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, '_');
}

export function stabilityWindowsOf(plan: Plan, moments: MomentContext): StabilityWindow[] {
  const out: StabilityWindow[] = [];
  const planProbeEvery = plan.checkpoints.find((c) => c.monitoring)?.monitoring?.sampling.every;
  for (const cp of plan.checkpoints) {
    const stability = stabilityChecksOf(cp);
    let range: { start: Date; end: Date } | undefined;
    try {
      if (cp.monitoring) {
        range = { start: resolveMoment(cp.monitoring.period.start, moments), end: resolveMoment(cp.monitoring.period.end, moments) };
      } else {
        const sampled = stability.filter((p) => p.source === 'samples');
        if (sampled.length === 0) continue;
        const longest = Math.max(...sampled.map((p) => (p.window === 'monitoring' ? 0 : parseDuration(p.window))));
        const windowStart = resolveMoment(cp.window.start, moments);
        const phases = cp.test_phases ? resolveMoment(cp.test_phases.window.start, moments) : windowStart;
        range = { start: new Date(Math.min(phases.getTime(), windowStart.getTime() - longest)), end: resolveMoment(cp.window.end, moments) };
      }
    } catch {
      // A relative plan whose start is not recorded yet: no window until it is.
      continue;
    }
    if (range.end.getTime() <= range.start.getTime()) continue;

    const probes = new Set<ProbeKind>();
    for (const p of stability) if (cp.monitoring || p.source === 'samples') probes.add(p.probe);
    for (const p of cp.monitoring?.sampling.probes ?? []) if ((PROBE_KINDS as readonly string[]).includes(p)) probes.add(p as ProbeKind);
    const endpoint = stability.find((p) => p.probe === 'application' && p.endpoint)?.endpoint ?? (plan.endpoints.application ? 'application' : undefined);
    if (!endpoint) probes.delete('application');
    if (probes.size === 0) probes.add('database');

    const probeEveryMs = parseDuration(cp.monitoring?.sampling.every ?? planProbeEvery ?? `${DEFAULT_PROBE_EVERY_MS}ms`);
    const metricsEveryMs = Math.max(probeEveryMs, plan.schedule === 'relative' ? RELATIVE_METRICS_EVERY_MS : METRICS_EVERY_MS);
    const environment = cp.environment;
    const id = windowIdOf(plan.id, cp.id, environment);
    let evaluateAt: Date | undefined;
    if (cp.monitoring) {
      try {
        evaluateAt = cp.window.decide_at ? resolveMoment(cp.window.decide_at, moments) : range.end;
      } catch {
        evaluateAt = range.end;
      }
    }
    out.push({
      id,
      key: safeKey(`${plan.id}-${cp.id}-${environment}`),
      planId: plan.id,
      checkpointId: cp.id,
      environment,
      start: range.start,
      end: range.end,
      probeEveryMs,
      metricsEveryMs,
      probes: PROBE_KINDS.filter((k) => probes.has(k)),
      host: cp.monitoring?.sampling.probes.includes('host') ?? false,
      endpoint: probes.has('application') ? endpoint : undefined,
      probeQuery: stability.find((p) => p.probe === 'database' && p.query)?.query,
      evaluateAt,
      from: cp.monitoring ? 'monitoring' : 'checks',
    });
  }
  return out;
}

/** The window with this id (samples carry it). */
export function windowFor(windows: StabilityWindow[], id: string): StabilityWindow | undefined {
  return windows.find((w) => w.id === id);
}

/** Slot number of a tick: whole intervals since the window's start. */
export function slotOf(window: Pick<StabilityWindow, 'start'>, everyMs: number, at: Date): number {
  return Math.floor((at.getTime() - window.start.getTime()) / everyMs);
}

export interface BriefingDay {
  checkpointId: string;
  at: Date;
  title: string;
  source: string;
  /** The briefings row's day: the local date, or for the demo (days minutes apart) the local date-time. */
  day: string;
}

/** The listed briefing days of every checkpoint with monitoring, resolved to instants. */
export function briefingDaysOf(plan: Plan, moments: MomentContext): BriefingDay[] {
  const out: BriefingDay[] = [];
  for (const cp of plan.checkpoints) {
    for (const d of cp.monitoring?.briefings.days ?? []) {
      let at: Date;
      try {
        at = resolveMoment(d.at, moments);
      } catch {
        continue;
      }
      out.push({ checkpointId: cp.id, at, title: d.title, source: d.source, day: dayKey(at, plan) });
    }
  }
  return out.sort((a, b) => a.at.getTime() - b.at.getTime());
}

export function dayKey(at: Date, plan: Pick<Plan, 'time_zone' | 'schedule'>): string {
  const p = localParts(at, plan.time_zone);
  const pad = (n: number) => String(n).padStart(2, '0');
  const date = `${p.year}-${pad(p.month)}-${pad(p.day)}`;
  return plan.schedule === 'relative' ? `${date}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}` : date;
}
