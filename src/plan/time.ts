import { GoliveError } from '../errors.js';
import { tryParseDuration } from './duration.js';

/**
 * Moments: the points in time a plan names. Three spellings:
 *   2026-02-17         a day (00:00 local time in the plan's zone)
 *   2026-02-17T13:00   a local date-time in the plan's zone (no offset: the zone decides it)
 *   +50m               an offset from the plan's start instant (relative plans: the demo),
 *                      recorded in the state DB when the plan is first loaded
 * An absolute plan uses only the first two; a relative plan only the third.
 */

export type ParsedMoment =
  | { kind: 'absolute'; year: number; month: number; day: number; hour: number; minute: number; dateOnly: boolean }
  | { kind: 'offset'; ms: number };

const ABSOLUTE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?$/;

export const MOMENT_HINT = 'a local date-time like 2026-02-17T13:00, a day like 2026-02-17, or an offset like +50m';

export function tryParseMoment(text: string): ParsedMoment | undefined {
  const trimmed = text.trim();
  if (trimmed.startsWith('+')) {
    const ms = tryParseDuration(trimmed.slice(1));
    return ms === undefined ? undefined : { kind: 'offset', ms };
  }
  const m = ABSOLUTE.exec(trimmed);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59) return undefined;
  return { kind: 'absolute', year, month, day, hour, minute, dateOnly: m[4] === undefined };
}

export function parseMoment(text: string): ParsedMoment {
  const parsed = tryParseMoment(text);
  if (!parsed) throw new GoliveError('PLAN_INVALID', `not a moment: ${JSON.stringify(text)} (expected ${MOMENT_HINT})`);
  return parsed;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function isValidTimeZone(zone: string): boolean {
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
}

// Building an Intl.DateTimeFormat costs far more than using one (it loads the
// zone's rules): one per zone, kept. A status view formats dozens of moments.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let fmt = formatters.get(zone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      weekday: 'short',
    });
    formatters.set(zone, fmt);
  }
  return fmt;
}

export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday … 6 = Saturday */
  weekday: number;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

/** The wall-clock reading of an instant in a zone. */
export function localParts(instant: Date, zone: string): LocalParts {
  const parts: Record<string, string> = {};
  for (const p of formatterFor(zone).formatToParts(instant)) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: WEEKDAYS.indexOf(parts.weekday as (typeof WEEKDAYS)[number]),
  };
}

/** The zone's offset from UTC at an instant, in minutes (America/Sao_Paulo: -180). */
export function zoneOffsetMinutes(instant: Date, zone: string): number {
  const p = localParts(instant, zone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

/** The instant at which a zone's clocks read the given wall time. */
export function zonedTimeToInstant(
  local: { year: number; month: number; day: number; hour: number; minute: number },
  zone: string,
): Date {
  const guess = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
  // Two passes settle a guess that straddles an offset change.
  let instant = guess - zoneOffsetMinutes(new Date(guess), zone) * 60_000;
  instant = guess - zoneOffsetMinutes(new Date(instant), zone) * 60_000;
  return new Date(instant);
}

export interface MomentContext {
  timeZone: string;
  /** The relative plan's start instant (from the state DB); required for +offset moments. */
  start?: Date;
}

export function resolveMoment(text: string, ctx: MomentContext): Date {
  const parsed = parseMoment(text);
  if (parsed.kind === 'offset') {
    if (!ctx.start) {
      throw new GoliveError(
        'PLAN_START_UNKNOWN',
        `the moment ${text} is an offset from the plan's start, and no start is recorded yet: load the plan once (or run npm run demo:reset)`,
      );
    }
    return new Date(ctx.start.getTime() + parsed.ms);
  }
  return zonedTimeToInstant(parsed, ctx.timeZone);
}

/** "Sat 07/02/2026 08:00" in the zone; `withZone` appends the zone and its UTC offset. */
export function formatLocal(instant: Date, zone: string, withZone = true): string {
  const p = localParts(instant, zone);
  const pad = (n: number) => String(n).padStart(2, '0');
  const text = `${WEEKDAYS[p.weekday]} ${pad(p.day)}/${pad(p.month)}/${p.year} ${pad(p.hour)}:${pad(p.minute)}`;
  return withZone ? `${text} ${zone} (${formatOffset(zoneOffsetMinutes(instant, zone))})` : text;
}

export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

export function weekdayName(weekday: number): string {
  return WEEKDAYS[weekday] ?? '?';
}
