import { redactText } from '../redact.js';

/**
 * How a step's error is read. The difference matters: a failed step is known
 * not to have finished; a lost session leaves the step's outcome unknown
 * (a person decides); a cancel is someone stopping the run on purpose.
 */
export type FailureKind = 'failed' | 'connection-lost' | 'cancelled';

interface PgLikeError {
  code?: string;
  message?: string;
  detail?: string;
  hint?: string;
}

const CONNECTION_CODES = new Set(['57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004']);
const CONNECTION_MESSAGES = /Connection terminated|ECONNRESET|EPIPE|connection error|not queryable|Client was closed/i;

export function classifyFailure(err: unknown): FailureKind {
  const e = (err ?? {}) as PgLikeError;
  if (e.code && CONNECTION_CODES.has(e.code)) return 'connection-lost';
  if (CONNECTION_MESSAGES.test(e.message ?? '')) return 'connection-lost';
  // 57014 is also the statement_timeout code; only a cancel by request stops the run as an abort.
  if (e.code === '57014' && /user request/i.test(e.message ?? '')) return 'cancelled';
  return 'failed';
}

/** One line for the state DB and the channel: the server's message, its detail and hint, never a password. */
export function describeFailure(err: unknown): string {
  const e = (err ?? {}) as PgLikeError;
  const parts = [err instanceof Error ? err.message : String(err)];
  if (e.code) parts[0] = `${parts[0]} (SQLSTATE ${e.code})`;
  if (e.detail) parts.push(`detail: ${e.detail}`);
  if (e.hint) parts.push(`hint: ${e.hint}`);
  return redactText(parts.join('; '));
}
