import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkerRuntime } from '../../../src/app/worker.js';
import { startHarness, type Harness } from '../../support/harness.js';
import { createTestStateDb, type TestStateDb } from '../../support/state-db.js';
import { writeStabilityPlan, type StabilityPlanFile } from './support.js';

/**
 * The one real-time test of the briefing scheduler's wiring: a relative plan
 * whose three briefings are one second apart, two workers on the same queue
 * prefix (each re-creating the schedulers from the state DB when it starts),
 * the real clock. Each tick posts exactly one briefing, and nothing more
 * comes afterwards.
 */
describe('briefing schedulers with two workers, in real time', () => {
  let plan: StabilityPlanFile;
  let target: TestStateDb;
  let h: Harness;
  let second: (WorkerRuntime & { connectionClose(): void }) | undefined;

  beforeAll(async () => {
    plan = await writeStabilityPlan({
      id: 'rt',
      schedule: 'relative',
      // The monitoring period lies an hour away: only the briefings fire during the test.
      relative: { periodStart: '+1h', periodEnd: '+2h', briefings: ['+10s', '+11s', '+12s'] },
    });
    target = await createTestStateDb('rttarget');
    h = await startHarness({ planFiles: [plan.file], environments: { production: target.url } });
    second = h.startWorker();
  });
  afterAll(async () => {
    if (second) {
      await second.close();
      second.connectionClose();
    }
    await h?.close();
    await target?.drop();
    await plan?.remove();
  });

  it('posts one briefing per tick, three ticks a second apart, however many workers run', async () => {
    const briefings = () => h.fake.messages().filter((m) => /^RT · Daily briefing · /.test(m.text));
    await h.fake.waitFor(() => briefings().length >= 3, { timeoutMs: 30_000, description: 'three briefings' });
    // Two more seconds: no tick fires twice, no worker posts again.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const posted = briefings();
    expect(posted.map((m) => /Daily briefing · ([^:]+):/.exec(m.text)![1])).toEqual(['Post-migration status', '24-hour analysis', '48-hour decision checkpoint']);
    const rows = (await h.core.pool.query(`SELECT day, claimed_by, posted_at FROM briefings WHERE plan_id = 'rt' ORDER BY scheduled_for`)).rows;
    expect(rows).toHaveLength(3);
    // Each came from its scheduler's tick (not a catch-up), and was posted.
    for (const r of rows) {
      expect(r.claimed_by).toMatch(/^repeat:briefing-rt-cp4-\d{6}:\d+$/);
      expect(r.posted_at).toBeInstanceOf(Date);
    }
    // The ticks were a second apart.
    const fired = rows.map((r) => Number(/:(\d+)$/.exec(r.claimed_by)![1]));
    expect([fired[1]! - fired[0]!, fired[2]! - fired[1]!]).toEqual([1_000, 1_000]);
  });
});
