import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditStore } from '../../../src/store/audit.js';
import { createTestStateDb, type TestStateDb } from '../../support/state-db.js';

/** The audit trail is append-only, and the database itself keeps it so. */
describe('audit_log', () => {
  let db: TestStateDb;

  beforeAll(async () => {
    db = await createTestStateDb('audit');
    const audit = createAuditStore(db.pool);
    await audit.append({ actor: 'U0DBA0001', action: 'signoff.signed', planId: 'demo', checkpointId: 'cp2', runId: 1, details: { role: 'dba' } });
    await audit.append({ actor: 'U0APP0001', action: 'permission.refused', planId: 'demo', checkpointId: 'cp3', details: { command: 'abort' } });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('refuses UPDATE', async () => {
    await expect(db.pool.query(`UPDATE audit_log SET actor = 'someone else'`)).rejects.toThrow(/append-only: UPDATE refused/);
  });

  it('refuses DELETE', async () => {
    await expect(db.pool.query(`DELETE FROM audit_log WHERE action = 'permission.refused'`)).rejects.toThrow(/append-only: DELETE refused/);
  });

  it('refuses TRUNCATE', async () => {
    await expect(db.pool.query(`TRUNCATE audit_log`)).rejects.toThrow(/append-only: TRUNCATE refused/);
  });

  it('still holds every entry, unchanged', async () => {
    const entries = await createAuditStore(db.pool).latest({ planId: 'demo' });
    expect(entries.map((e) => [e.actor, e.action])).toEqual([
      ['U0APP0001', 'permission.refused'],
      ['U0DBA0001', 'signoff.signed'],
    ]);
  });
});
