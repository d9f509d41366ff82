import type pg from 'pg';
import { redactUrl } from '../redact.js';
import { describeDatabaseError } from './pg-errors.js';
import { openSession } from './pg-session.js';
import type { CheckContext, Figures, RawOutcome } from './types.js';

/**
 * How the integrity checks reach a database: a fresh session with the check's
 * statement_timeout (and a short lock_timeout), one READ ONLY transaction
 * rolled back at the end, and failures turned into one plain sentence that
 * says whether the database could not be reached or a query failed.
 */

export interface Target {
  environment: string;
  url: string;
}

/** The database could not be reached at all (as opposed to a query failing once connected). */
export class TargetUnreachable extends Error {
  constructor(
    readonly environment: string,
    readonly reason: string,
  ) {
    super(`cannot connect to ${environment}: ${reason}`);
  }
}

export function targetOf(ctx: Pick<CheckContext, 'environment' | 'targetUrl'>): Target {
  return { environment: ctx.environment, url: ctx.targetUrl };
}

/** Run `work` in a READ ONLY transaction on `target`; the session ends afterwards. */
export async function readOnly<T>(ctx: Pick<CheckContext, 'timeoutMs' | 'signal'>, target: Target, work: (client: pg.Client) => Promise<T>): Promise<T> {
  let client: pg.Client;
  try {
    client = await openSession(target.url, { statementTimeoutMs: ctx.timeoutMs, signal: ctx.signal });
  } catch (err) {
    throw new TargetUnreachable(target.environment, describeDatabaseError(err, target.url));
  }
  try {
    await client.query('BEGIN READ ONLY');
    const result = await work(client);
    await client.query('ROLLBACK').catch(() => {});
    return result;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Run `work` inside a savepoint, so one failing statement (an index amcheck
 * refuses, a type without a hash function) does not abort the transaction.
 */
export async function inSavepoint<T>(client: pg.ClientBase, work: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  await client.query('SAVEPOINT golive_check');
  try {
    const value = await work();
    await client.query('RELEASE SAVEPOINT golive_check');
    return { ok: true, value };
  } catch (error) {
    await client.query('ROLLBACK TO SAVEPOINT golive_check');
    return { ok: false, error };
  }
}

/** The `error` outcome for a failure while `doing` something on `target`. */
export function errorOutcome(target: Target, err: unknown, doing: string, observed: Figures, evidence: Record<string, unknown> = {}): RawOutcome {
  const reason = err instanceof TargetUnreachable ? err.reason : describeDatabaseError(err, target.url);
  const message = err instanceof TargetUnreachable ? err.message : `${doing} on ${target.environment} failed: ${reason}`;
  return { status: 'error', observed, evidence: { ...evidence, target: redactUrl(target.url), error: reason }, message };
}

/** SQLSTATE of a PostgreSQL error, if it is one. */
export function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Turn a list into "a, b and 3 more" for one-line messages. */
export function listShort(items: readonly string[], max = 3): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

/** Plural helper for messages: plural(2, 'index', 'indexes'). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
