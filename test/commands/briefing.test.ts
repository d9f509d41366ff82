import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { startHarness, type Harness } from '../support/harness.js';
import { createTestStateDb, type TestStateDb } from '../support/state-db.js';
import { ackText, PEOPLE, writeStabilityPlan, type StabilityPlanFile } from '../src/stability/support.js';

/** `/golive briefing`: one briefing now, in the channel, from the worker; not counted as the day's. */
describe('/golive briefing', () => {
  const clock = new ManualClock('2026-02-18T16:00:00Z');
  let plan: StabilityPlanFile;
  let target: TestStateDb;
  let h: Harness;

  beforeAll(async () => {
    plan = await writeStabilityPlan();
    target = await createTestStateDb('brftarget');
    h = await startHarness({ planFiles: [plan.file], environments: { production: target.url }, clock });
  });
  afterAll(async () => {
    await h?.close();
    await target?.drop();
    await plan?.remove();
  });

  it('posts a briefing now, once per command', async () => {
    const ack = await h.command('briefing', PEOPLE.pm, { triggerId: 'trig-brief-1' });
    expect(ackText(ack)).toBe('Gathering the figures: the briefing follows in the channel.');
    const posted = await h.fake.waitFor(() => h.fake.messages().find((m) => m.text.startsWith('STAB · Daily briefing · Briefing on request')), { timeoutMs: 20_000, description: 'the briefing' });
    expect(posted.text).toMatch(/uptime 0 %|no complete|failed probes|open incidents/);
    await h.command('briefing', PEOPLE.pm, { triggerId: 'trig-brief-1' });
    await new Promise((r) => setTimeout(r, 1_000));
    expect(h.fake.messages().filter((m) => m.text.startsWith('STAB · Daily briefing'))).toHaveLength(1);
    // Not the day's scheduled briefing: that one is still to come.
    expect(await h.core.store.briefings.list('stab')).toEqual([]);
    const audit = (await h.core.pool.query(`SELECT actor, details FROM audit_log WHERE action = 'briefing.posted'`)).rows;
    expect(audit).toEqual([{ actor: PEOPLE.pm, details: expect.objectContaining({ on_request: true }) }]);
  });
});
