/**
 * Durations as plans write them. Two spellings are accepted because plan
 * authors come from both worlds:
 *   short:    500ms, 45s, 10m, 10min, 2h, 1h30m, 3d, 1w
 *   ISO 8601: PT10M, P2D, P1DT2H, P1W
 * `m` always means minutes (a plan never needs months).
 */

const SHORT_UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  sec: 1_000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const SHORT = /^(?:\d+(?:\.\d+)?(?:ms|sec|min|s|m|h|d|w))+$/;
const SHORT_PART = /(\d+(?:\.\d+)?)(ms|sec|min|s|m|h|d|w)/g;
const ISO = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

export const DURATION_HINT = 'a duration like 45s, 10m, 2h, 1h30m, 3d, 1w or ISO 8601 PT10M';

/** Milliseconds, or undefined when the text is not a duration. */
export function tryParseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (SHORT.test(trimmed)) {
    let total = 0;
    for (const match of trimmed.matchAll(SHORT_PART)) {
      total += Number(match[1]) * SHORT_UNIT_MS[match[2]!]!;
    }
    return total;
  }
  const iso = ISO.exec(trimmed);
  if (iso && trimmed !== 'P' && !trimmed.endsWith('T')) {
    const [, w, d, h, m, s] = iso;
    return (
      Number(w ?? 0) * SHORT_UNIT_MS.w! +
      Number(d ?? 0) * SHORT_UNIT_MS.d! +
      Number(h ?? 0) * SHORT_UNIT_MS.h! +
      Number(m ?? 0) * SHORT_UNIT_MS.m! +
      Number(s ?? 0) * SHORT_UNIT_MS.s!
    );
  }
  return undefined;
}

/** Milliseconds; throws on text that is not a duration (plans are validated before this is called). */
export function parseDuration(text: string): number {
  const ms = tryParseDuration(text);
  if (ms === undefined) throw new Error(`not a duration: ${JSON.stringify(text)} (expected ${DURATION_HINT})`);
  return ms;
}

/** A compact human form: 90000 -> "1m 30s", 93600000 -> "1d 2h". */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  const parts: string[] = [];
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
  ] as const) {
    if (rest >= size) {
      const n = Math.floor(rest / size);
      parts.push(`${n}${unit}`);
      rest -= n * size;
    }
  }
  if (rest > 0 && parts.length === 0) parts.push(`${rest}ms`);
  return sign + parts.slice(0, 2).join(' ');
}
