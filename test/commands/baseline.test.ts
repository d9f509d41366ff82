import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { createDemoTestDatabase, type DemoTestDatabase } from '../src/demo/support.js';
import { ackText, DBA, PM } from '../src/engine/support.js';

/**
 * `/golive baseline capture ENV [replace]` end to end: the real web app and
 * worker, the demo plan, a copy of the demo data standing in for every
 * environment, and the Slack fake.
 */
describe('/golive baseline capture', () => {
  let db: DemoTestDatabase;
  let h: Harness;
  beforeAll(async () => {
    db = await createDemoTestDatabase('basecmd');
    h = await startHarness({ planFiles: ['plans/demo.yaml'], environments: { shadow: db.url, staging: db.url, production: db.url } });
  });
  afterAll(async () => {
    await h?.close();
    await db?.drop();
  });

  const posted = (pattern: RegExp) => h.fake.waitFor(() => h.fake.messages().find((m) => pattern.test(m.text)), { timeoutMs: 60_000 });

  it('is refused to a role the plan does not allow, and the refusal is audited', async () => {
    expect(ackText(await h.command('baseline capture staging', PM))).toMatch(/^Sorry: only Database Administrator .* may `baseline`/);
    const { rows } = await h.core.pool.query(`SELECT action, details FROM audit_log WHERE action = 'permission.refused'`);
    expect(rows[0].details).toMatchObject({ command: 'baseline', attempted: 'baseline capture staging' });
  });

  it('times the plan’s queries on the environment, stores them and posts the result in the channel', async () => {
    expect(ackText(await h.command('baseline capture staging', DBA))).toBe(
      'Capturing the baseline of staging: Q1 ×20, Q2 ×20, Q3 ×20 runs after a warm-up, parameters varied per run. The result follows in the channel.',
    );
    const message = await posted(/baseline captured on staging/);
    expect(message.text).toMatch(/^DEMO · baseline captured on staging: Q1 [\d.]+ ms, Q2 [\d.]+ ms, Q3 [\d.]+ ms$/);
    expect(JSON.stringify(message.blocks)).toMatch(/PostgreSQL 15\.\d+.*by <@U0DBA0001>/);

    const baselines = await h.core.store.baselines.forEnvironment('demo', 'staging');
    expect(baselines.map((b) => [b.queryId, b.samples.length, b.capturedBy])).toEqual([
      ['Q1', 20, DBA],
      ['Q2', 20, DBA],
      ['Q3', 20, DBA],
    ]);
    expect(baselines[0]!.serverVersion).toMatch(/^15\./);
    expect(baselines.every((b) => b.p95Ms >= b.medianMs)).toBe(true);
    const audit = await h.core.pool.query(`SELECT action, actor, details FROM audit_log WHERE action LIKE 'baseline.%' ORDER BY id`);
    expect(audit.rows.map((r) => r.action)).toEqual(['baseline.requested', 'baseline.captured']);
    expect(audit.rows[1].details).toMatchObject({ environment: 'staging', replace: false, queries: { Q1: { runs: 20 } } });
  });

  it('refuses a second capture without replace, saying how to replace', async () => {
    const answer = ackText(await h.command('baseline capture staging', DBA));
    expect(answer).toMatch(/^Not captured: staging already has a baseline \(Q1, Q2, Q3, captured .* by <@U0DBA0001>\)\. /);
    expect(answer).toContain('`/golive demo baseline capture staging replace`');
  });

  it('replaces it with replace', async () => {
    const before = await h.core.store.baselines.get('demo', 'staging', 'Q1');
    expect(ackText(await h.command('baseline capture staging replace', DBA))).toMatch(/^Replacing the baseline of staging/);
    await posted(/baseline replaced on staging/);
    const after = await h.core.store.baselines.get('demo', 'staging', 'Q1');
    expect(after!.capturedAt.getTime()).toBeGreaterThan(before!.capturedAt.getTime());
  });
});
