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
  if (err instanceof Error) return err.message;
  return String(err);
}
