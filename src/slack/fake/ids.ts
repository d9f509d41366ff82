import { randomBytes } from 'node:crypto';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Slack-shaped ids: a type letter followed by upper-case alphanumerics (F…, V…). */
export function slackId(prefix: string, length = 10): string {
  const bytes = randomBytes(length);
  let id = prefix;
  for (const byte of bytes) id += ALPHANUMERIC[byte % ALPHANUMERIC.length];
  return id;
}

/** Trigger ids look like `12345.67890.abcdef…` in Slack. */
export function triggerId(): string {
  const digits = (n: number): string => String(randomBytes(4).readUInt32BE(0)).padStart(n, '0').slice(0, n);
  return `${digits(10)}.${digits(9)}.${randomBytes(16).toString('hex')}`;
}

export function opaqueToken(): string {
  return randomBytes(12).toString('hex');
}

/**
 * Slack message timestamps: seconds and microseconds, strictly increasing per workspace.
 * Kept as an integer of microseconds so comparisons stay exact.
 */
export function createTsGenerator(nowMs: () => number): () => string {
  let last = 0;
  return () => {
    const candidate = nowMs() * 1000;
    last = candidate > last ? candidate : last + 100;
    return formatTs(last);
  };
}

export function formatTs(micros: number): string {
  const seconds = Math.floor(micros / 1_000_000);
  const fraction = String(micros % 1_000_000).padStart(6, '0');
  return `${seconds}.${fraction}`;
}
