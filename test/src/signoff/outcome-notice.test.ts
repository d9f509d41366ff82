import { describe, expect, it } from 'vitest';
import { timeLimitLines } from '../../../src/signoff/outcome-notice.js';
import { loadPlanFile } from '../../../src/plan/load.js';
import { findCheckpoint } from '../../../src/plan/schema.js';
import { fromRoot } from '../../../src/paths.js';

/** CHECKPOINT 4's outcomes state clocks (fix in 4 h, monitor 2-4 h more, roll back in 10 min): the notice turns them into times. */
describe('the outcome notice’s time limits', () => {
  const plan = loadPlanFile(fromRoot('plans/opt1.yaml')).plan;
  const outcomes = findCheckpoint(plan, 'cp4')!.decisions.flatMap((d) => d.outcomes);
  // THU 19/02 17:00 São Paulo.
  const decided = new Date('2026-02-19T20:00:00Z');

  it('ISSUE RESOLUTION REQUIRED: fix by a time, the escalation timeline, the rollback and recovery bounds', () => {
    const lines = timeLimitLines(outcomes.find((o) => o.id === 'issue_resolution')!, decided, plan.time_zone);
    expect(lines).toEqual([
      '• Fix in place by *Thu 19/02/2026 21:00* (4h); not fixed by then: roll back',
      '• Minor issue (&lt; 4h fix): Keep OPT1, fix in place',
      '• Major issue (&gt; 4h fix): ROLLBACK + investigate',
      '• Critical issue: IMMEDIATE ROLLBACK',
      '• A rollback must finish within 10m',
      '• Recovery: 1h to 2h',
    ]);
  });

  it('CONDITIONAL ACCEPTANCE: how much longer to keep monitoring, as times', () => {
    const lines = timeLimitLines(outcomes.find((o) => o.kind === 'conditional')!, decided, plan.time_zone);
    expect(lines).toEqual(['• Keep monitoring until *Thu 19/02/2026 19:00* – *Thu 19/02/2026 21:00* (2h to 4h more)']);
  });
});
