import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { takeOverSession, WireQueryError, type WireSession } from '../../../src/perf/wire-session.js';
import { emptyDatabase, type EmptyDatabase } from '../checks/support.js';

/** The load generator's lean query path on a real session: rows counted, errors with their SQLSTATE, a lost session noticed. */
describe('wire session', () => {
  let db: EmptyDatabase;
  beforeAll(async () => {
    db = await emptyDatabase('wire');
  });
  afterAll(async () => {
    await db?.drop();
  });

  const open = async (config: Partial<pg.ClientConfig> = {}): Promise<{ client: pg.Client; wire: WireSession }> => {
    const client = new pg.Client({ connectionString: db.url, application_name: 'golive-wire-test', ...config });
    client.on('error', () => {});
    await client.connect();
    return { client, wire: takeOverSession(client)! };
  };

  it('counts the rows of each statement, large results split over many packets included', async () => {
    const { wire } = await open();
    expect(await wire.query('SELECT 1')).toBe(1);
    expect(await wire.query("SELECT g, repeat('x', 500) FROM generate_series(1, 20000) g")).toBe(20000);
    expect(await wire.query('SELECT 1 WHERE false')).toBe(0);
    await wire.close();
    expect(wire.broken).toBe(true);
  });

  it('rejects a failing statement with its SQLSTATE and message, and the session goes on', async () => {
    const { wire } = await open({ statement_timeout: 200 });
    await expect(wire.query('SELECT 1/0')).rejects.toMatchObject({ code: '22012', message: 'division by zero' });
    const timeout = await wire.query('SELECT pg_sleep(5)').catch((err: unknown) => err);
    expect(timeout).toBeInstanceOf(WireQueryError);
    expect((timeout as WireQueryError).code).toBe('57014');
    expect(await wire.query('SELECT 2')).toBe(1);
    await wire.close();
  });

  it('notices a session the server ended, in flight or not', async () => {
    const { client, wire } = await open();
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      const pid = (await admin.query(`SELECT pid FROM pg_stat_activity WHERE application_name = 'golive-wire-test'`)).rows[0].pid;
      const running = wire.query('SELECT pg_sleep(10)').catch((err: unknown) => err);
      await new Promise((resolve) => setTimeout(resolve, 200));
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      const err = (await running) as WireQueryError;
      expect(['57P01', 'connection_lost']).toContain(err.code);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(wire.broken).toBe(true);
      await expect(wire.query('SELECT 1')).rejects.toMatchObject({ code: 'connection_lost' });
    } finally {
      await admin.end();
      await wire.close();
      await client.end().catch(() => {});
    }
  });
});
