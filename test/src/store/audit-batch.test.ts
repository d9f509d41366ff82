import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.js';
import { createAuditBatcher } from '../../../src/store/audit-batch.js';
import { createAuditStore } from '../../../src/store/audit.js';
import { createTestStateDb, type TestStateDb } from '../../support/state-db.js';

/** Read-only commands' audit entries: one INSERT per batch, each with the time it arrived; nothing left behind at shutdown. */
describe('the audit batcher', () => {
  let state: TestStateDb;
  beforeAll(async () => {
    state = await createTestStateDb('auditbatch');
  });
  afterAll(() => state?.drop());

  const count = async () => Number((await state.pool.query(`SELECT count(*) FROM audit_log WHERE action = 'command'`)).rows[0].count);

  it('writes the entries of a window together, in order, stamped when they came', async () => {
    const batcher = createAuditBatcher({ pool: state.pool, logger: createLogger({ level: 'silent' }), flushMs: 150 });
    const before = new Date();
    for (let i = 0; i < 5; i++) batcher.add({ actor: `U${i}`, action: 'command', planId: 'demo', details: { verb: 'status', n: i } });
    expect(await count()).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const rows = (await createAuditStore(state.pool).latest({ limit: 10 })).reverse();
    expect(rows.map((r) => r.details.n)).toEqual([0, 1, 2, 3, 4]);
    for (const r of rows) {
      expect(r.at.getTime()).toBeGreaterThanOrEqual(before.getTime() - 5);
      expect(r.at.getTime()).toBeLessThan(before.getTime() + 150);
    }
    await batcher.close();
  });

  it('flushes at close, and writes at once what comes after', async () => {
    const batcher = createAuditBatcher({ pool: state.pool, logger: createLogger({ level: 'silent' }), flushMs: 60_000 });
    const start = await count();
    batcher.add({ actor: 'U1', action: 'command', details: { verb: 'help' } });
    await batcher.close();
    expect(await count()).toBe(start + 1);
    batcher.add({ actor: 'U2', action: 'command', details: { verb: 'help' } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await count()).toBe(start + 2);
  });

  it('a batch the state DB refuses is logged with its entries, never thrown', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'warn', destination: new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) }) });
    const batcher = createAuditBatcher({ pool: state.pool, logger, flushMs: 10 });
    batcher.add({ actor: 'U1', action: 'command', details: { verb: 'status', bad: '\u0000' } });
    await batcher.close();
    expect(lines.join('')).toMatch(/could not write a batch of read-only command audit entries/);
    expect(lines.join('')).toMatch(/"actor":"U1"/);
  });
});
