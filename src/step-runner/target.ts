import pg from 'pg';
import { settingValue } from '../migration-file/duration.js';
import type { SessionInfo } from './types.js';

/**
 * The runner's one session on the target database, and the few queries other
 * golive processes make about it (who holds the lock, which sessions a crashed
 * runner left behind).
 *
 * One session for the whole file: the advisory lock is a session lock, so it
 * lives exactly as long as the connection, and it dies with it if the worker
 * crashes (once the server notices the connection is gone).
 */

/** First half of the two-int advisory lock key: golive's namespace, so the key cannot collide with an app's own locks. */
const LOCK_NAMESPACE = 7_370_617;

/** Verify queries only read; they get their own limits so a blocked catalog cannot hang a resume. */
export interface VerifyLimits {
  lockTimeoutMs: number;
  statementTimeoutMs: number;
}

export interface TargetSession {
  readonly pid: number;
  /** pg_try_advisory_lock: true when this session now holds the lock. */
  tryLock(lockName: string): Promise<boolean>;
  lockHolder(lockName: string): Promise<SessionInfo | undefined>;
  setTimeouts(lockTimeoutMs: number, statementTimeoutMs: number): Promise<void>;
  query(sql: string): Promise<void>;
  /** The verify query's boolean, inside a READ ONLY transaction that is rolled back. */
  verify(sql: string, limits: VerifyLimits): Promise<boolean>;
  close(): Promise<void>;
}

export async function openTargetSession(targetUrl: string, applicationName: string, connectTimeoutMs = 10_000): Promise<TargetSession> {
  const client = new pg.Client({ connectionString: targetUrl, application_name: applicationName, connectionTimeoutMillis: connectTimeoutMs });
  // A terminated backend emits 'error' on the client; the pending query rejects
  // too, and that is where it is handled. Without a listener the process would crash.
  client.on('error', () => {});
  await client.connect();
  let pid: number;
  try {
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    pid = rows[0]!.pid;
  } catch (err) {
    await client.end().catch(() => {});
    throw err;
  }
  let closed = false;

  return {
    pid,
    async tryLock(lockName) {
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked', [LOCK_NAMESPACE, lockName]);
      return rows[0]!.locked;
    },
    lockHolder: (lockName) => findLockHolder(client, lockName),
    async setTimeouts(lockTimeoutMs, statementTimeoutMs) {
      // SET takes no parameters; the values are integers we format ourselves.
      await client.query(`SET lock_timeout = '${settingValue(lockTimeoutMs)}'; SET statement_timeout = '${settingValue(statementTimeoutMs)}'`);
    },
    async query(sql) {
      await client.query(sql);
    },
    verify: (sql, limits) => runVerify(client, sql, limits),
    async close() {
      if (closed) return;
      closed = true;
      await client.end().catch(() => {});
    },
  };
}

async function runVerify(client: pg.Client, sql: string, limits: VerifyLimits): Promise<boolean> {
  await client.query('BEGIN READ ONLY');
  try {
    await client.query(`SET LOCAL lock_timeout = '${settingValue(limits.lockTimeoutMs)}'; SET LOCAL statement_timeout = '${settingValue(limits.statementTimeoutMs)}'`);
    const result = await client.query({ text: sql, rowMode: 'array' });
    const value = (result.rows[0] as unknown[] | undefined)?.[0];
    if (typeof value !== 'boolean') throw new Error(`the verify query returned ${JSON.stringify(value ?? null)}, not true or false`);
    return value;
  } finally {
    await client.query('ROLLBACK').catch(() => {});
  }
}

/** Ask any session on the target (verify queries run read-only; nothing is locked). */
export async function withTargetClient<T>(targetUrl: string, applicationName: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: targetUrl, application_name: applicationName, connectionTimeoutMillis: 10_000 });
  client.on('error', () => {});
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}

export const verifyWith = runVerify;

const SESSION_COLUMNS = `a.pid, a.application_name, a.state, left(a.query, 300) AS query, a.backend_start, a.usename`;

export async function findLockHolder(client: pg.Client, lockName: string): Promise<SessionInfo | undefined> {
  const { rows } = await client.query(
    `SELECT ${SESSION_COLUMNS}
     FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
     WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
       AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
       AND l.classid = $1::bigint::oid AND l.objid = (hashtext($2)::bigint & 4294967295)::oid
       AND a.pid <> pg_backend_pid()
     LIMIT 1`,
    [LOCK_NAMESPACE, lockName],
  );
  return rows[0] ? toSession(rows[0]) : undefined;
}

export async function sessionsNamed(client: pg.Client, applicationName: string): Promise<SessionInfo[]> {
  const { rows } = await client.query(
    `SELECT ${SESSION_COLUMNS} FROM pg_stat_activity a
     WHERE a.application_name = $1 AND a.datname = current_database() AND a.pid <> pg_backend_pid() ORDER BY a.pid`,
    [applicationName],
  );
  return rows.map(toSession);
}

/** pg_cancel_backend on the sessions with this name that are running a statement. */
export async function cancelSessionsNamed(client: pg.Client, applicationName: string): Promise<number[]> {
  const active = (await sessionsNamed(client, applicationName)).filter((s) => s.state === 'active').map((s) => s.pid);
  if (active.length === 0) return [];
  // Two queries on purpose: in one WHERE clause the planner may call
  // pg_cancel_backend() before the name filter, on every session (ours included).
  const { rows } = await client.query<{ pid: number }>(`SELECT pid FROM unnest($1::int[]) AS pid WHERE pg_cancel_backend(pid)`, [active]);
  return rows.map((r) => r.pid);
}

/**
 * pg_terminate_backend on the sessions with this name, then wait until they are
 * gone: their transactions roll back and their locks (the advisory lock
 * included) are released only when the backend has exited.
 */
export async function terminateSessionsNamed(client: pg.Client, applicationName: string, waitMs: number): Promise<SessionInfo[]> {
  const sessions = await sessionsNamed(client, applicationName);
  if (sessions.length === 0) return [];
  await client.query(`SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid`, [sessions.map((s) => s.pid)]);
  const deadline = Date.now() + waitMs;
  for (;;) {
    const { rows } = await client.query(`SELECT count(*)::int AS left FROM pg_stat_activity WHERE pid = ANY($1::int[])`, [sessions.map((s) => s.pid)]);
    if (rows[0].left === 0) break;
    if (Date.now() > deadline) {
      throw new Error(`${rows[0].left} session(s) named ${applicationName} did not exit within ${waitMs} ms after pg_terminate_backend`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return sessions;
}

function toSession(row: Record<string, unknown>): SessionInfo {
  return {
    pid: Number(row.pid),
    applicationName: String(row.application_name ?? ''),
    state: (row.state as string | null) ?? null,
    query: (row.query as string | null) ?? null,
    backendStart: (row.backend_start as Date | null) ?? null,
    user: (row.usename as string | null) ?? null,
  };
}
