import pg from 'pg';

/**
 * Sessions checks open on a target database. Every session carries a
 * statement_timeout and lock_timeout from the start (a check never waits
 * behind a migration's lock for long), an application_name an operator can
 * find in pg_stat_activity, and ends when the check is aborted.
 */

export const CHECK_APPLICATION_NAME = 'golive-check';

export interface SessionOptions {
  /** Bounded by the check's remaining time. */
  statementTimeoutMs: number;
  connectTimeoutMs?: number;
  signal?: AbortSignal;
}

export async function openSession(targetUrl: string, options: SessionOptions): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: targetUrl,
    application_name: CHECK_APPLICATION_NAME,
    connectionTimeoutMillis: Math.max(1, Math.min(options.connectTimeoutMs ?? 10_000, options.statementTimeoutMs)),
    statement_timeout: Math.max(1, Math.round(options.statementTimeoutMs)),
    lock_timeout: Math.max(1, Math.min(5_000, Math.round(options.statementTimeoutMs))),
  });
  // A server that goes away between queries must not crash the worker.
  client.on('error', () => {});
  const onAbort = () => void client.end().catch(() => {});
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await client.connect();
  } catch (err) {
    options.signal?.removeEventListener('abort', onAbort);
    await client.end().catch(() => {});
    throw err;
  }
  client.once('end', () => options.signal?.removeEventListener('abort', onAbort));
  return client;
}

/**
 * Run `work` in a READ ONLY transaction on a fresh session, then close it.
 * The transaction is rolled back: a check that only reads changes nothing.
 */
export async function withReadOnlySession<T>(targetUrl: string, options: SessionOptions, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await openSession(targetUrl, options);
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
 * A plan's query, rows as arrays, over the extended protocol: it takes one
 * statement, so a query cannot lift its transaction's READ ONLY with a
 * `SET TRANSACTION READ WRITE;` in front of it.
 */
export function oneStatement(client: pg.ClientBase, text: string): Promise<pg.QueryArrayResult> {
  return client.query({ text, rowMode: 'array', queryMode: 'extended' } as pg.QueryArrayConfig);
}

/** pg returns bigint and numeric as text (to keep precision); figures want numbers. */
export function numericValue(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}

export function elapsedMs(from: number): number {
  return Math.round((performance.now() - from) * 100) / 100;
}
