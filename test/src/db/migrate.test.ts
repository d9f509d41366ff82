import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { migrateStateDb } from '../../../src/db/migrate.js';
import { dropDatabase } from '../../../src/db/ensure-database.js';
import { silentLogger } from '../../../src/logger.js';
import { SERVER_URL } from '../../support/constants.js';
import { createTestStateDb } from '../../support/state-db.js';

describe('state DB migrations', () => {
  const url = `${SERVER_URL}/golive_t_migrate_${process.pid}`;
  afterAll(() => dropDatabase(url));

  it('creates the database when missing and migrates it once, even when two processes start together', async () => {
    await dropDatabase(url);
    const [a, b] = await Promise.all([migrateStateDb(url, silentLogger()), migrateStateDb(url, silentLogger())]);
    // One of the two applied the migrations, the other waited on the lock and found nothing to do.
    expect([a.length, b.length].sort()).toEqual([0, a.length + b.length]);
    expect(a.length + b.length).toBeGreaterThan(0);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const tables = await client.query(`SELECT count(*)::int AS n FROM pg_tables WHERE tablename IN ('runs','signoffs','audit_log')`);
    await client.end();
    expect(tables.rows[0].n).toBe(3);
  });

  it('refuses UPDATE, DELETE and TRUNCATE on the audit log', async () => {
    const db = await createTestStateDb('audit');
    try {
      await db.pool.query(`INSERT INTO audit_log (actor, action) VALUES ('U1', 'test')`);
      await expect(db.pool.query(`UPDATE audit_log SET actor = 'U2'`)).rejects.toThrow(/append-only/);
      await expect(db.pool.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
      await expect(db.pool.query(`TRUNCATE audit_log`)).rejects.toThrow(/append-only/);
      const { rows } = await db.pool.query(`SELECT actor FROM audit_log`);
      expect(rows).toEqual([{ actor: 'U1' }]);
    } finally {
      await db.drop();
    }
  });
});
