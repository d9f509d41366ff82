import type { FakeState } from './state.js';

export interface WaitForOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Says what was awaited in the timeout message. */
  description?: string;
}

/**
 * Resolves with the predicate's first truthy result. It is checked at once, after every change
 * the fake records, and on an interval (for conditions outside the fake). On timeout the error
 * names what was awaited and what the fake had seen, so a failing test explains itself.
 */
export function waitFor<T>(
  state: FakeState,
  predicate: () => T | Promise<T>,
  options: WaitForOptions = {},
): Promise<Exclude<T, false | 0 | '' | null | undefined>> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const intervalMs = options.intervalMs ?? 25;
  type Result = Exclude<T, false | 0 | '' | null | undefined>;
  return new Promise<Result>((resolve, reject) => {
    let done = false;
    let checking = false;
    let lastError: unknown;
    const finish = (fn: () => void): void => {
      done = true;
      clearInterval(interval);
      clearTimeout(timer);
      unsubscribe();
      fn();
    };
    const check = async (): Promise<void> => {
      if (done || checking) return;
      checking = true;
      try {
        const result = await predicate();
        if (result && !done) finish(() => resolve(result as Result));
      } catch (err) {
        lastError = err;
      } finally {
        checking = false;
      }
    };
    const unsubscribe = state.subscribe(() => void check());
    const interval = setInterval(() => void check(), intervalMs);
    const timer = setTimeout(() => {
      if (done) return;
      const seen =
        `the fake recorded ${state.calls.length} API calls (last: ${state.calls.slice(-5).map((c) => c.method).join(', ') || 'none'}), ` +
        `${state.messages.length} messages, ${state.ephemerals.length} ephemerals, ${state.responses.length} response_url posts, ` +
        `${state.views.size} views`;
      const why = lastError ? `; the predicate last threw: ${String(lastError)}` : '';
      finish(() => reject(new Error(`waitFor timed out after ${timeoutMs} ms waiting for ${options.description ?? 'the predicate'}: ${seen}${why}`)));
    }, timeoutMs);
    void check();
  });
}
