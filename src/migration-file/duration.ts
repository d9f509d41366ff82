/**
 * Durations in markers are written the way PostgreSQL's own settings are
 * (`500ms`, `5s`, `10min`, `1h`), so a DBA reads them as they would read
 * `SET lock_timeout = '5s'`. `0` means no limit, as it does for the settings.
 */

const UNIT_MS = { ms: 1, s: 1_000, min: 60_000, h: 3_600_000 } as const;

/** Milliseconds, or undefined when `text` is not a duration. */
export function parseDuration(text: string): number | undefined {
  if (text === '0') return 0;
  const match = /^(\d+)(ms|s|min|h)$/.exec(text);
  if (!match) return undefined;
  const value = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  // PostgreSQL's timeouts are int milliseconds.
  return value <= 2_147_483_647 ? value : undefined;
}

/** The value to give `SET lock_timeout` / `SET statement_timeout`. */
export function settingValue(ms: number): string {
  return `${ms}ms`;
}

/** For people: 5000 → "5s", 1800000 → "30min", 0 → "no limit". */
export function formatDuration(ms: number): string {
  if (ms === 0) return 'no limit';
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}min`;
  if (ms % 1_000 === 0) return `${ms / 1_000}s`;
  return `${ms}ms`;
}
