import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPoster } from '../../../src/app/processes.js';
import { ManualClock } from '../../../src/clock.js';
import { signoffDepsOf } from '../../../src/signoff/deps.js';
import { noticeEndedFixWindows } from '../../../src/signoff/fix-deadline.js';
import { startHarness, TEST_BOT_TOKEN, type Harness } from '../../support/harness.js';

/**
 * cp4 ISSUE RESOLUTION REQUIRED gives the team 4 hours to fix in place, then
 * the plan says roll back. golive says so in the channel when the window
 * ends with no later decision: once, whatever the number of workers, and not
 * at all when a later run has been decided.
 */
describe('the end of a fix window', () => {
  let h: Harness;
  const clock = new ManualClock('2026-11-26T12:00:00Z');
  const channel = 'C0GOLIVE';

  beforeAll(async () => {
    h = await startHarness({ clock, worker: false });
  });
  afterAll(() => h?.close());

  const deps = () => signoffDepsOf(h.core, createPoster(h.core, { botToken: TEST_BOT_TOKEN, apiUrl: h.fake.apiUrl }));

  const decideCp4 = async (outcome: string, kind: string, label: string) => {
    const { run } = await h.core.store.runs.create({ planId: 'demo', checkpointId: 'cp4', environment: 'production', startedBy: 'U0DBA0001', channelId: channel, now: clock.now() });
    return h.core.store.runs.finish(run.id, { status: 'complete', decision: label, decisionKind: kind, decisionDetail: { phase: 'main', outcome }, evidenceDigest: 'x', now: clock.now() });
  };
  const notices = () => h.fake.messages(channel).filter((m) => m.text.startsWith('⏰'));

  it('says nothing while the window is open, then once when it has ended', async () => {
    const run = await decideCp4('issue_resolution', 'nogo', 'ISSUE RESOLUTION REQUIRED');
    clock.advance(3 * 3_600_000 + 59 * 60_000);
    expect(await noticeEndedFixWindows(deps())).toEqual([]);

    clock.advance(2 * 60_000);
    // Two workers' passes at once: one message.
    const passes = (await Promise.all([noticeEndedFixWindows(deps()), noticeEndedFixWindows(deps())])).flat();
    expect(passes).toEqual([{ runId: run.id, deadline: new Date('2026-11-26T16:00:00Z') }]);
    await h.fake.waitFor(() => notices().length === 1 || undefined, { description: 'the notice' });
    const text = `${notices()[0]!.text}\n${JSON.stringify(notices()[0]!.blocks)}`;
    expect(text).toMatch(/demo cp4 run #1 \(ISSUE RESOLUTION REQUIRED\): the 4h fix window ended at Thu 26\/11\/2026 13:00 with no later decision/);
    expect(text).toMatch(/Major issue \(&gt; 4h fix\): ROLLBACK \+ investigate/);
    expect(text).toMatch(/roll back with `\/golive cp3 rollback`/);

    expect(await noticeEndedFixWindows(deps())).toEqual([]);
    const audit = await h.core.pool.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'outcome.fix_window_ended' AND run_id = $1`, [run.id]);
    expect(audit.rows[0].n).toBe(1);
  });

  it('a later decision of the checkpoint supersedes the window', async () => {
    await decideCp4('issue_resolution', 'nogo', 'ISSUE RESOLUTION REQUIRED');
    clock.advance(3_600_000);
    await decideCp4('conditional_acceptance', 'conditional', 'CONDITIONAL ACCEPTANCE');
    clock.advance(5 * 3_600_000);
    expect(await noticeEndedFixWindows(deps())).toEqual([]);
    expect(notices()).toHaveLength(1);
  });
});
