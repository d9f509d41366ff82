/**
 * Units a plan may put on a threshold, and what kind of figure each measures.
 * Checks report figures in base units (bytes, milliseconds, percent, plain
 * counts); a threshold's value is multiplied by its unit's factor before
 * comparing. Byte units are binary (1 GB = 1024^3 bytes), as PostgreSQL's
 * pg_size_pretty and `df -h` show them; the IEC spellings mean the same.
 */

export type MetricKind = 'bytes' | 'duration' | 'percent' | 'count' | 'number' | 'boolean' | 'text' | 'any';

export const UNITS = {
  B: { kind: 'bytes', factor: 1 },
  KB: { kind: 'bytes', factor: 1024 },
  MB: { kind: 'bytes', factor: 1024 ** 2 },
  GB: { kind: 'bytes', factor: 1024 ** 3 },
  TB: { kind: 'bytes', factor: 1024 ** 4 },
  KiB: { kind: 'bytes', factor: 1024 },
  MiB: { kind: 'bytes', factor: 1024 ** 2 },
  GiB: { kind: 'bytes', factor: 1024 ** 3 },
  TiB: { kind: 'bytes', factor: 1024 ** 4 },
  ms: { kind: 'duration', factor: 1 },
  s: { kind: 'duration', factor: 1_000 },
  min: { kind: 'duration', factor: 60_000 },
  h: { kind: 'duration', factor: 3_600_000 },
  d: { kind: 'duration', factor: 86_400_000 },
  '%': { kind: 'percent', factor: 1 },
  count: { kind: 'count', factor: 1 },
} as const satisfies Record<string, { kind: MetricKind; factor: number }>;

export type Unit = keyof typeof UNITS;
export const UNIT_NAMES = Object.keys(UNITS) as Unit[];

/** Whether a threshold in `unit` can be compared with a figure of `kind`. */
export function unitFitsKind(unit: Unit, kind: MetricKind): boolean {
  if (kind === 'any' || kind === 'number') return true;
  return UNITS[unit].kind === kind;
}

export function toBaseUnits(value: number, unit: Unit | undefined): number {
  return unit === undefined ? value : value * UNITS[unit].factor;
}

/** A base-unit figure shown in the unit the plan used (or a sensible one). */
export function formatInUnit(value: number, unit: Unit | undefined, kind?: MetricKind): string {
  if (unit !== undefined) {
    const scaled = value / UNITS[unit].factor;
    const text = Number.isInteger(scaled) ? String(scaled) : scaled.toFixed(Math.abs(scaled) >= 100 ? 0 : 2);
    return unit === '%' ? `${text}%` : unit === 'count' ? text : `${text} ${unit}`;
  }
  if (kind === 'bytes') return formatBytes(value);
  if (kind === 'duration') return `${Math.round(value)} ms`;
  if (kind === 'percent') return `${round2(value)}%`;
  return String(round2(value));
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

export function formatBytes(bytes: number): string {
  const units: Unit[] = ['TB', 'GB', 'MB', 'KB'];
  for (const unit of units) {
    const factor = UNITS[unit].factor;
    if (Math.abs(bytes) >= factor) return `${round2(bytes / factor)} ${unit}`;
  }
  return `${bytes} B`;
}
