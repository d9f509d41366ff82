import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { dropDatabase } from '../../../src/db/ensure-database.js';
import { SERVER_URL } from '../../support/constants.js';

export const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
export const fixture = (name: string) => path.join(FIXTURES, name);

/**
 * A tiny target database of its own: `log` records what each step saw
 * (application_name, timeouts), `gate` is what a test locks to hold a step
 * in the middle of its work.
 */
export interface ScratchTarget {
  url: string;
  query<T extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Hold ACCESS EXCLUSIVE on gate until release() is called. */
  closeGate(): Promise<{ release(): Promise<void> }>;
  /** Resolve once a session named `applicationName` is waiting on a lock. */
  waitUntilBlocked(applicationName: string): Promise<number>;
  /** The sessions named `applicationName` right now. */
  sessionsNamed(applicationName: string): Promise<Array<{ pid: number; state: string }>>;
  drop(): Promise<void>;
}

export async function createScratchTarget(label = 'srt'): Promise<ScratchTarget> {
  const name = `golive_t_${label}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: `${SERVER_URL}/postgres` });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`).finally(() => admin.end());
  const url = `${SERVER_URL}/${name}`;
  const client = new pg.Client({ connectionString: url, application_name: 'golive-test' });
  client.on('error', () => {});
  await client.connect();
  await client.query(`
    CREATE TABLE log (id serial PRIMARY KEY, step text NOT NULL, app text, lock_timeout text, statement_timeout text);
    CREATE TABLE gate (id int);
  `);
  const gates: pg.Client[] = [];

  return {
    url,
    async query(sql, params) {
      const result = await client.query(sql, params);
      return result.rows;
    },
    async closeGate() {
      const holder = new pg.Client({ connectionString: url, application_name: 'golive-test-gate' });
      holder.on('error', () => {});
      await holder.connect();
      gates.push(holder);
      await holder.query('BEGIN; LOCK TABLE gate IN ACCESS EXCLUSIVE MODE');
      let released = false;
      return {
        async release() {
          if (released) return;
          released = true;
          await holder.query('COMMIT').catch(() => {});
          await holder.end().catch(() => {});
        },
      };
    },
    async waitUntilBlocked(applicationName) {
      for (;;) {
        const { rows } = await client.query(
          `SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock' AND state = 'active'`,
          [applicationName],
        );
        if (rows[0]) return Number(rows[0].pid);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    async sessionsNamed(applicationName) {
      const { rows } = await client.query(`SELECT pid, state FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()`, [applicationName]);
      return rows.map((r) => ({ pid: Number(r.pid), state: String(r.state) }));
    },
    async drop() {
      for (const gate of gates) await gate.end().catch(() => {});
      await client.end().catch(() => {});
      await dropDatabase(url);
    },
  };
}

/** Resolves with the first event matching `predicate` (collect events into `seen` with the returned listener). */
export function eventWaiter<E>() {
  const seen: E[] = [];
  const waiters: Array<{ match: (e: E) => boolean; resolve: (e: E) => void }> = [];
  return {
    seen,
    listener(event: E) {
      seen.push(event);
      for (const w of [...waiters]) {
        if (w.match(event)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(event);
        }
      }
    },
    waitFor(match: (e: E) => boolean): Promise<E> {
      const found = seen.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
  };
}
