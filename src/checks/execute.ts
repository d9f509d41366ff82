import { setMaxListeners } from 'node:events';
import { checkWrites, parseCheckParams, type CheckTypeId } from '../plan/check-types.js';
import { parseDuration } from '../plan/duration.js';
import { expectationsOf, type Check } from '../plan/schema.js';
import { describeError } from '../errors.js';
import { implementationOf } from './index.js';
import { judge } from './judge.js';
import type { CheckContext, CheckOutcome, RawOutcome } from './types.js';

/** A module that ignores its abort signal still gets this long before the engine gives up on it. */
const GRACE_MS = 2_000;

export type ExecutionContext = Omit<CheckContext, 'timeoutMs' | 'signal'> & { signal?: AbortSignal };

export interface Execution {
  raw: RawOutcome;
  durationMs: number;
}

/**
 * Run one check type once, with its timeout, and never throw: an unknown
 * type is skipped, bad params or a crash in the module become an `error`
 * result with a plain reason. Shared checks (identical params) call this once
 * and judge each check against the same measurement.
 */
export async function executeCheck(check: Pick<Check, 'id' | 'type' | 'params' | 'timeout' | 'expect'>, base: ExecutionContext): Promise<Execution> {
  const impl = implementationOf(check.type);
  if (!impl) return { raw: { status: 'skipped', observed: {}, evidence: { type: check.type }, message: 'not implemented' }, durationMs: 0 };

  let params: ReturnType<typeof parseCheckParams<CheckTypeId>>;
  try {
    params = parseCheckParams(check.type as CheckTypeId, check.params);
  } catch (err) {
    return { raw: { status: 'error', observed: {}, evidence: {}, message: `invalid params for ${check.type}: ${describeError(err)}` }, durationMs: 0 };
  }
  const timeoutText = check.timeout ?? (typeof (params as { timeout?: unknown }).timeout === 'string' ? ((params as { timeout: string }).timeout) : undefined);
  const timeoutMs = timeoutText ? parseDuration(timeoutText) : impl.defaultTimeoutMs;

  const controller = new AbortController();
  // Every session and child process of a check listens on it (pool_health opens K at once).
  setMaxListeners(1_000, controller.signal);
  const onParentAbort = () => controller.abort(base.signal?.reason);
  base.signal?.addEventListener('abort', onParentAbort, { once: true });
  const timer = setTimeout(() => controller.abort(new Error('timeout')), timeoutMs);
  let giveUp: NodeJS.Timeout | undefined;
  const started = performance.now();
  const log = base.logger.child({ check: check.id, type: check.type });
  try {
    const timedOut = new Promise<RawOutcome>((resolve) => {
      controller.signal.addEventListener('abort', () => {
        giveUp = setTimeout(() => resolve(timeoutOutcome(timeoutMs, base.signal?.aborted === true)), GRACE_MS);
      });
    });
    // Least privilege: a check that only reads connects with the read-only URL when there is one.
    const targetUrl = base.ownerUrl && checkWrites(check.type, params as Record<string, unknown>) ? base.ownerUrl : base.targetUrl;
    const work = impl.run(params, { ...base, targetUrl, logger: log, timeoutMs, signal: controller.signal, expectations: expectationsOf(check) }).catch((err: unknown): RawOutcome => {
      log.warn({ err }, 'check module threw');
      return { status: 'error', observed: {}, evidence: {}, message: `the check crashed: ${describeError(err)}` };
    });
    let raw = await Promise.race([work, timedOut]);
    // A module that noticed the abort reports its own error; say plainly that the cause was the timeout.
    if (controller.signal.aborted && raw.status !== 'pass') raw = { ...raw, status: 'error', message: `${timeoutOutcome(timeoutMs, base.signal?.aborted === true).message} (${raw.message})` };
    return { raw, durationMs: Math.round(performance.now() - started) };
  } finally {
    clearTimeout(timer);
    if (giveUp) clearTimeout(giveUp);
    base.signal?.removeEventListener('abort', onParentAbort);
  }
}

function timeoutOutcome(timeoutMs: number, shutdown: boolean): RawOutcome {
  return {
    status: 'error',
    observed: {},
    evidence: { timeout_ms: timeoutMs },
    message: shutdown ? 'stopped: the worker is shutting down' : `timed out after ${formatSeconds(timeoutMs)}`,
  };
}

function formatSeconds(ms: number): string {
  return ms >= 60_000 ? `${Math.round(ms / 6_000) / 10} min` : `${Math.round(ms / 100) / 10} s`;
}

/** Execute once, judge for each check of a shared group. */
export async function executeGroup(checks: Check[], base: ExecutionContext): Promise<Map<string, CheckOutcome>> {
  const first = checks[0];
  const out = new Map<string, CheckOutcome>();
  if (!first) return out;
  const { raw, durationMs } = await executeCheck(first, base);
  for (const check of checks) out.set(check.id, judge(check, raw, durationMs));
  return out;
}
