import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/clock.js';
import { restoreSchedules } from '../../../src/stability/schedules.js';
import { deleteQueueKeys, startHarness, type Harness } from '../../support/harness.js';
import { createTestStateDb, type TestStateDb } from '../../support/state-db.js';
import { writeStabilityPlan, type StabilityPlanFile } from './support.js';

/**
 * The schedules are rows in the state DB, and BullMQ is made to match them
 * whenever a worker starts: a second worker creates nothing twice, a Redis
 * flush loses nothing, a finished window's schedulers are removed, and a
 * briefing whose time passed while Redis was empty is caught up.
 */
describe('stability schedules re-created from the state DB', () => {
  // A relative plan whose times lie ahead of the real clock (BullMQ compares end dates with it).
  const start = new Date(Math.ceil(Date.now() / 60_000) * 60_000);
  const clock = new ManualClock(start);
  let plan: StabilityPlanFile;
  let target: TestStateDb;
  let h: Harness;

  beforeAll(async () => {
    plan = await writeStabilityPlan({
      id: 'rel',
      every: '10s',
      schedule: 'relative',
      relative: { periodStart: '+1h', periodEnd: '+3h', briefings: ['+30m', '+1h30m', '+2h30m'] },
    });
    // Nothing is probed here (no worker): any database will do.
    target = await createTestStateDb('schedtarget');
    h = await startHarness({ planFiles: [plan.file], environments: { production: target.url }, clock, worker: false });
  });
  afterAll(async () => {
    await h?.close();
    await target?.drop();
    await plan?.remove();
  });

  const control = () => h.core.queues.get('control');
  const schedulerIds = async () => (await control().getJobSchedulers(0, -1, true)).map((s) => s.key).sort();

  it('writes the rows and creates each scheduler once, however many workers start', async () => {
    const first = await restoreSchedules(h.core);
    const second = await restoreSchedules(h.core);
    expect(first.schedulers.sort()).toEqual(second.schedulers.sort());
    const ids = await schedulerIds();
    // Two samplers of the window, and one briefing scheduler per listed time of day (the ids name it).
    expect(ids).toHaveLength(5);
    expect(ids.filter((id) => id.startsWith('stab-'))).toEqual(['stab-metrics-rel-cp4-production', 'stab-probe-rel-cp4-production']);
    const briefings = (await control().getJobSchedulers(0, -1, true)).filter((s) => s.name === 'briefing');
    expect(briefings).toHaveLength(3);
    for (const b of briefings) expect(b.tz).toBe('America/Sao_Paulo');
    const probe = (await control().getJobSchedulers(0, -1, true)).find((s) => s.key === 'stab-probe-rel-cp4-production')!;
    expect(probe).toMatchObject({ every: 10_000, startDate: start.getTime() + 3_600_000, endDate: start.getTime() + 3 * 3_600_000 });
    // The window's evaluation: one delayed job, whatever the number of restores.
    const delayed = (await control().getDelayed()).filter((j) => j.name === 'evaluate-window');
    expect(delayed).toHaveLength(1);
    expect(delayed[0]!.data).toMatchObject({ planId: 'rel', checkpointId: 'cp4', at: new Date(start.getTime() + 3 * 3_600_000).toISOString() });
    const rows = await h.core.store.schedules.forPlans(['rel']);
    expect(rows.map((r) => r.jobName).sort()).toEqual(['briefing', 'briefing', 'briefing', 'evaluate-window', 'sample-metrics', 'sample-probe']);
  });

  it('loses nothing when Redis is flushed: the next worker start re-creates it all', async () => {
    const before = await schedulerIds();
    await deleteQueueKeys(h.core.queues.prefix);
    expect(await schedulerIds()).toEqual([]);
    await restoreSchedules(h.core);
    expect(await schedulerIds()).toEqual(before);
    expect((await control().getDelayed()).filter((j) => j.name === 'evaluate-window')).toHaveLength(1);
  });

  it('catches up a briefing whose time passed while no scheduler existed, once', async () => {
    clock.set(new Date(start.getTime() + 31 * 60_000));
    const report = await restoreSchedules(h.core);
    expect(report.catchUp).toHaveLength(1);
    const jobs = (await control().getWaiting()).filter((j) => j.name === 'briefing' && j.data.day);
    expect(jobs).toHaveLength(1);
    // Once the day is claimed, a restart does not queue it again.
    await h.core.store.briefings.claim({ planId: 'rel', day: jobs[0]!.data.day, checkpointId: 'cp4', title: 't', scheduledFor: start, claimant: 'x', channelId: 'C1', now: clock.now() });
    expect((await restoreSchedules(h.core)).catchUp).toEqual([]);
  });

  it('removes the schedulers of a window that is over', async () => {
    clock.set(new Date(start.getTime() + 4 * 3_600_000));
    const report = await restoreSchedules(h.core);
    expect(report.removed.sort()).toEqual((await h.core.store.schedules.forPlans(['rel'])).filter((r) => r.jobName !== 'evaluate-window').map((r) => r.id).sort());
    expect(await schedulerIds()).toEqual([]);
  });
});
