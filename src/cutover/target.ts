import pg from 'pg';
import { fingerprintTable, type TableFingerprint } from '../perf/table-fingerprint.js';
import { findLockHolder } from '../step-runner/target.js';

/** The step runner's advisory lock namespace (src/step-runner/target.ts). */
const MIGRATION_LOCK_NAMESPACE = 7_370_617;

/**
 * What the cutover asks the target database besides running steps: who else
 * is active and who waits on a lock (the progress message), whether the
 * application's queries have drained, who holds the migration's advisory
 * lock, and the table's fingerprint (the snapshot a rollback is verified
 * against). Every session here is short, tagged and bounded by timeouts, so
 * a busy target can slow the progress message down but never the migration.
 */

export const MONITOR_APPLICATION_NAME = 'golive-cutover-monitor';

export interface ActiveQuery {
  pid: number;
  applicationName: string;
  state: string | null;
  waitEvent: string | null;
  seconds: number;
  query: string;
  blockedBy: number[];
}

export interface TargetActivity {
  at: Date;
  /** Client sessions running a statement (golive's monitor excluded). */
  active: number;
  /** Sessions waiting for a lock. */
  lockWaits: number;
  /** Locks requested and not granted. */
  ungrantedLocks: number;
  longestSeconds: number;
  /** The longest-running ones first, at most 5. */
  queries: ActiveQuery[];
}

async function withSession<T>(url: string, options: { statementTimeoutMs: number; applicationName?: string }, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({
    connectionString: url,
    application_name: options.applicationName ?? MONITOR_APPLICATION_NAME,
    connectionTimeoutMillis: 5_000,
    statement_timeout: options.statementTimeoutMs,
    lock_timeout: Math.min(2_000, options.statementTimeoutMs),
  });
  client.on('error', () => {});
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** pg_stat_activity and pg_locks of the target's database, as the progress message shows them. */
export async function targetActivity(url: string): Promise<TargetActivity> {
  return withSession(url, { statementTimeoutMs: 3_000 }, async (client) => {
    const { rows } = await client.query(
      `SELECT pid, application_name, state, wait_event_type, wait_event,
              extract(epoch FROM (clock_timestamp() - coalesce(query_start, backend_start)))::float8 AS seconds,
              left(regexp_replace(query, '\\s+', ' ', 'g'), 160) AS query, pg_blocking_pids(pid) AS blocked_by
         FROM pg_stat_activity
        WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()
          AND state IS DISTINCT FROM 'idle'
        ORDER BY query_start NULLS LAST`,
    );
    const locks = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE d.datname = current_database() AND NOT l.granted`,
    );
    const queries: ActiveQuery[] = rows.map((r) => ({
      pid: Number(r.pid),
      applicationName: String(r.application_name ?? ''),
      state: r.state,
      waitEvent: r.wait_event_type ? `${r.wait_event_type}:${r.wait_event}` : null,
      seconds: Number(r.seconds ?? 0),
      query: String(r.query ?? ''),
      blockedBy: ((r.blocked_by as number[] | null) ?? []).map(Number),
    }));
    const running = queries.filter((q) => q.state === 'active');
    return {
      at: new Date(),
      active: running.length,
      lockWaits: queries.filter((q) => q.waitEvent?.startsWith('Lock:')).length,
      ungrantedLocks: locks.rows[0]?.n ?? 0,
      longestSeconds: running.reduce((max, q) => Math.max(max, q.seconds), 0),
      queries: [...running].sort((a, b) => b.seconds - a.seconds).slice(0, 5),
    };
  });
}

/**
 * "In-flight queries: wait for completion": poll until no client session of
 * the application (anything not golive's) runs a statement, or the time is up.
 * Returns what was still running at the end.
 */
export async function waitForInflight(url: string, options: { timeoutMs: number; pollMs?: number; signal?: AbortSignal }): Promise<{ drained: boolean; waitedMs: number; remaining: ActiveQuery[] }> {
  const started = Date.now();
  for (;;) {
    const activity = await targetActivity(url);
    const remaining = activity.queries.filter((q) => !q.applicationName.startsWith('golive'));
    const waitedMs = Date.now() - started;
    if (remaining.length === 0) return { drained: true, waitedMs, remaining };
    if (waitedMs >= options.timeoutMs || options.signal?.aborted) return { drained: false, waitedMs, remaining };
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 500));
  }
}

/**
 * "Database: acquire exclusive lock": the runner holds the migration's
 * advisory lock for every file it runs; here golive proves nobody else holds
 * it (another migration, a forgotten psql) by taking and releasing it.
 */
export async function probeMigrationLock(url: string, lockName: string): Promise<{ free: boolean; holder?: { pid: number; applicationName: string } }> {
  return withSession(url, { statementTimeoutMs: 5_000 }, async (client) => {
    const { rows } = await client.query<{ got: boolean }>(`SELECT pg_try_advisory_lock($1, hashtext($2)) AS got`, [MIGRATION_LOCK_NAMESPACE, lockName]);
    if (rows[0]?.got) {
      await client.query(`SELECT pg_advisory_unlock($1, hashtext($2))`, [MIGRATION_LOCK_NAMESPACE, lockName]);
      return { free: true };
    }
    const holder = await findLockHolder(client, lockName);
    return { free: false, ...(holder ? { holder: { pid: holder.pid, applicationName: holder.applicationName } } : {}) };
  });
}

/** Sessions still open on the target under one of these application names (the release check). */
export async function sessionsStillOpen(url: string, applicationNames: string[]): Promise<{ pid: number; applicationName: string }[]> {
  if (applicationNames.length === 0) return [];
  return withSession(url, { statementTimeoutMs: 5_000 }, async (client) => {
    const { rows } = await client.query(`SELECT pid, application_name FROM pg_stat_activity WHERE application_name = ANY($1::text[])`, [applicationNames]);
    return rows.map((r) => ({ pid: Number(r.pid), applicationName: String(r.application_name) }));
  });
}

/** Row count, content checksum, kind and index validity of the table. */
export async function tableSnapshot(url: string, table: string, statementTimeoutMs = 30 * 60_000): Promise<TableFingerprint> {
  return withSession(url, { statementTimeoutMs, applicationName: 'golive-cutover-snapshot' }, (client) => fingerprintTable(client, table));
}

/** r: plain table, p: partitioned, null: missing. */
export async function tableKind(url: string, table: string): Promise<'r' | 'p' | null> {
  return withSession(url, { statementTimeoutMs: 10_000 }, async (client) => {
    const { rows } = await client.query<{ relkind: string | null }>(`SELECT (SELECT relkind::text FROM pg_class WHERE oid = to_regclass($1)) AS relkind`, [table]);
    return (rows[0]?.relkind ?? null) as 'r' | 'p' | null;
  });
}
