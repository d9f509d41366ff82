import { redactText } from './redact.js';

/**
 * Errors golive raises on purpose. `code` is stable (tests and runbooks key on it);
 * the message says what is wrong and how to fix it.
 */
export class GoliveError extends Error {
  readonly code: string;
  override readonly cause?: unknown;
  constructor(code: string, message: string, options: { cause?: unknown } = {}) {
    super(message);
    this.name = 'GoliveError';
    this.code = code;
    this.cause = options.cause;
  }
}

export function isGoliveError(err: unknown, code?: string): err is GoliveError {
  return err instanceof GoliveError && (code === undefined || err.code === code);
}

/** A message safe to show a person: never a stack trace. */
export function describeError(err: unknown): string {
  return redactText(err instanceof Error ? err.message : String(err));
}

/**
 * Infrastructure failures get one plain sentence: what is down, and that
 * nothing was done. Returns undefined for anything else.
 */
export function explainInfrastructureError(err: unknown): GoliveError | undefined {
  if (err instanceof GoliveError) return undefined;
  const e = err as { code?: string; message?: string; name?: string };
  const message = e?.message ?? '';
  if (/enableOfflineQueue|Connection is closed|Redis did not answer|ECONNREFUSED 127\.0\.0\.1:6379|MaxRetriesPerRequest|Command timed out/i.test(message)) {
    return new GoliveError('QUEUE_UNAVAILABLE', 'the job queue (Redis) is not answering, so nothing was queued. Try again in a minute; operators: check /healthz.', { cause: err });
  }
  if (
    ['ECONNREFUSED', 'ETIMEDOUT', 'ENOTFOUND', '57P01', '57P03', '53300'].includes(e?.code ?? '') ||
    /state DB did not answer|Connection terminated|timeout exceeded when trying to connect/i.test(message)
  ) {
    return new GoliveError('STATE_DB_UNAVAILABLE', 'golive’s state database is not answering, so nothing was done. Try again in a minute; operators: check /healthz.', { cause: err });
  }
  return undefined;
}
