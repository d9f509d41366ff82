import { formatDuration } from '../plan/duration.js';
import { formatBytes } from '../plan/units.js';
import { round } from './promql.js';
import type { Figures } from './types.js';

/**
 * What host_resources reports, whichever source measured it (Prometheus's
 * node_exporter or the worker's own /proc): the same figure names, the same
 * reduction, the same words in the message.
 */

export type UtilisationResource = 'cpu' | 'memory' | 'io' | 'network';
export type HostResource = 'cpu_cores' | 'memory_total' | 'memory_available' | UtilisationResource | 'sustained';

export const UTILISATION_RESOURCES: readonly UtilisationResource[] = ['cpu', 'memory', 'io', 'network'];

/**
 * Thresholds for `resource: sustained` when the plan gives none: the seed's
 * peak bounds of the stability window (CPU < 85 %, memory < 90 %, storage I/O
 * < 80 %). Network is left out unless named: its utilisation needs the link
 * speed, which virtual interfaces often do not report.
 */
export const DEFAULT_SUSTAINED_THRESHOLDS: Partial<Record<UtilisationResource, number>> = { cpu: 85, memory: 90, io: 80 };
export const DEFAULT_SUSTAINED_FOR = '5m';
export const DEFAULT_SUSTAINED_WINDOW = '1h';

export const RESOURCE_TEXT: Record<UtilisationResource, string> = {
  cpu: 'CPU',
  memory: 'memory',
  io: 'storage I/O',
  network: 'network bandwidth',
};

/** Points are [unix seconds, percent]. */
export type PercentPoint = [number, number];

export function utilisationFigures(points: PercentPoint[], windowed: boolean): Figures {
  const values = points.map(([, v]) => v).filter(Number.isFinite);
  if (values.length === 0) return { value: null, avg_pct: null, peak_pct: null, min_pct: null };
  const avg = round(values.reduce((a, b) => a + b, 0) / values.length);
  const peak = round(values.reduce((a, b) => Math.max(a, b), -Infinity));
  const min = round(values.reduce((a, b) => Math.min(a, b), Infinity));
  // An instant reading is one point: value, avg, peak and min are that point.
  const value = windowed ? avg : round(values[values.length - 1]!);
  return { value, avg_pct: avg, peak_pct: peak, min_pct: min };
}

export function describeUtilisation(resource: UtilisationResource, figures: Figures, windowMs: number | undefined): string {
  // One decimal reads well in a message; the figures themselves keep more.
  const pct = (v: unknown) => (typeof v === 'number' ? `${Math.round(v * 10) / 10}%` : 'n/a');
  if (windowMs === undefined) return `${RESOURCE_TEXT[resource]} ${pct(figures.value)} now`;
  return `${RESOURCE_TEXT[resource]} ${pct(figures.avg_pct)} on average, peak ${pct(figures.peak_pct)}, low ${pct(figures.min_pct)} over the last ${formatDuration(windowMs)}`;
}

export function describeSize(resource: 'cpu_cores' | 'memory_total' | 'memory_available', value: number): string {
  if (resource === 'cpu_cores') return `${value} CPU core${value === 1 ? '' : 's'}`;
  return `${formatBytes(value)} ${resource === 'memory_total' ? 'memory in total' : 'memory available'}`;
}

export interface Episodes {
  /** Longest stretch above the threshold, ms (0 when never above). */
  longestMs: number;
  /** Stretches at least `minMs` long. */
  episodes: number;
  peak: number | null;
}

/**
 * Stretches where consecutive points stay above `threshold`. A stretch of n
 * points spaced `stepS` apart lasts n × step (each point stands for its step);
 * a gap of more than one and a half steps (no data) ends it.
 */
export function episodesAbove(points: PercentPoint[], threshold: number, stepS: number, minMs: number): Episodes {
  let longestMs = 0;
  let episodes = 0;
  let runStart: number | undefined;
  let runEnd = 0;
  let peak: number | null = null;
  const close = () => {
    if (runStart === undefined) return;
    const ms = Math.round((runEnd - runStart + stepS) * 1000);
    longestMs = Math.max(longestMs, ms);
    if (ms >= minMs) episodes += 1;
    runStart = undefined;
  };
  for (const [t, v] of points) {
    if (!Number.isFinite(v)) {
      close();
      continue;
    }
    peak = peak === null ? v : Math.max(peak, v);
    if (v > threshold) {
      if (runStart !== undefined && t - runEnd > stepS * 1.5) close();
      if (runStart === undefined) runStart = t;
      runEnd = t;
    } else {
      close();
    }
  }
  close();
  return { longestMs, episodes, peak: peak === null ? null : round(peak) };
}
