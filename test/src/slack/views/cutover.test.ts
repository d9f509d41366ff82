import { describe, expect, it } from 'vitest';
import { checkBlocks } from '../../../../src/slack/fake/block-limits.js';
import { cutoverLiveView, type CutoverLiveView } from '../../../../src/slack/views/cutover.js';
import { confirmCardView, interruptedCardView, summaryCardView, thresholdCardView } from '../../../../src/slack/views/cutover-cards.js';
import { precheckView } from '../../../../src/slack/views/cutover-precheck.js';

const NOW = new Date('2026-02-17T16:05:00Z');
const LONG = 'x'.repeat(5_000);
const valid = (view: { text: string; blocks: unknown[] }) => expect(checkBlocks(view.blocks, { surface: 'message', fallbackText: view.text })).toEqual([]);

function live(overrides: Partial<CutoverLiveView> = {}): CutoverLiveView {
  return {
    title: 'DEMO · CP3 production cutover on production #4',
    kind: 'cutover',
    environment: 'production',
    status: 'step 2/5 of partitioning: copy_data',
    phases: [
      { id: 'start_window', title: 'START MAINTENANCE WINDOW', state: 'done', items: [{ kind: 'announce', text: 'Alert: Maintenance window active', state: 'done' }] },
      {
        id: 'pre_cutover',
        title: 'PRE-CUTOVER',
        state: 'running',
        items: [{ kind: 'manual', text: 'Application: STOP accepting new requests', state: 'running', roleTitle: 'Application Team Lead', actionId: 'cutover-item-pre_cutover-0', confirmValue: '4:pre_cutover:0' }],
      },
    ],
    steps: [
      { file: 'partitioning', name: 'create_partitions', state: 'done', elapsedMs: 12_000, budgetMs: 60_000 },
      { file: 'partitioning', name: 'copy_data', state: 'running', startedAt: new Date(NOW.getTime() - 200_000), budgetMs: 150_000 },
      { file: 'partitioning', name: 'create_indexes', state: 'waiting', budgetMs: 30_000 },
    ],
    migrationStartedAt: new Date(NOW.getTime() - 212_000),
    estimatedCompletion: new Date(NOW.getTime() + 60_000),
    activity: { active: 2, lockWaits: 1, ungrantedLocks: 1, longestSeconds: 200, queries: [{ pid: 42, applicationName: 'golive:cutover:9', seconds: 200, waitEvent: 'Lock:relation', query: 'SELECT public.opt1_copy_partition(...)' }] },
    thresholds: [
      { action: 'assess', afterMs: 150_000, source: '13:30 (25 min elapsed): Assess if recoverable', state: 'continue' },
      { action: 'consider_abort', afterMs: 240_000, source: '13:50', state: 'upcoming' },
      { action: 'hard_stop_rollback', afterMs: 330_000, source: '14:00', state: 'upcoming' },
    ],
    startedBy: 'U0DBA0001',
    confirmedBy: 'U0DBA0001',
    timeZone: 'America/Sao_Paulo',
    now: NOW,
    ...overrides,
  };
}

describe('cutover views', () => {
  it('the live message: each step against its budget, elapsed, estimate, next threshold, lock waits, a Confirm button for the waiting item', () => {
    const view = cutoverLiveView(live());
    valid(view);
    const text = JSON.stringify(view.blocks);
    expect(text).toContain('`copy_data` COPY'.slice(0, 11));
    expect(text).toMatch(/copy_data` 3m 20s \/ budget 2m 30s ⚠️ over budget/);
    expect(text).toMatch(/Migration elapsed\*\\n3m 32s/);
    expect(text).toMatch(/Estimated completion/);
    expect(text).toMatch(/Next threshold\*\\nConsider abort \+ rollback at 13:05 \(\+4m\)/);
    expect(text).toMatch(/Active queries \/ lock waits\*\\n2 \/ 1/);
    expect(text).toMatch(/Assess if recoverable: continue/);
    expect(text).toContain('"action_id":"cutover-item-pre_cutover-0"');
  });

  it('stays within Slack limits with long texts and many steps', () => {
    const steps = Array.from({ length: 80 }, (_, i) => ({ file: 'f', name: `step_${i}`, state: 'failed' as const, elapsedMs: i * 1000, budgetMs: 500, error: LONG }));
    const items = Array.from({ length: 40 }, (_, i) => ({ kind: 'manual' as const, text: LONG, state: 'running' as const, roleTitle: LONG, actionId: `cutover-item-p-${i}`, confirmValue: `1:p:${i}` }));
    valid(cutoverLiveView(live({ title: LONG, status: LONG, steps, phases: [{ id: 'p', title: LONG, state: 'running', detail: LONG, items }], outcome: { ok: false, text: LONG } })));
  });

  it('the cards stay within limits and carry only ids in their buttons', () => {
    const confirm = confirmCardView({ title: 'DEMO · CP3 cutover #4', kind: 'cutover', cutoverId: 4, environment: 'production', reasons: [LONG, 'CP2 passed its gate: signed by <@U0DBA0001>'], plan: Array(60).fill(LONG), confirmRoleTitle: 'Database Administrator', state: 'awaiting', startedBy: 'U0DBA0001', timeZone: 'America/Sao_Paulo' });
    valid(confirm);
    expect(JSON.stringify(confirm.blocks)).toContain('signed by <@U0DBA0001>');
    expect(JSON.stringify(confirm.blocks)).toContain('"value":"4"');
    // Cut to 50 blocks, the information goes first: the buttons stay.
    expect(JSON.stringify(confirm.blocks)).toContain('"action_id":"cutover-confirm"');
    valid(thresholdCardView({ title: LONG, cutoverId: 4, action: 'consider_abort', afterMs: 240_000, source: LONG, elapsedMs: 241_000, currentStep: 'copy_data', roleTitle: 'DBA', timeZone: 'America/Sao_Paulo', remaining: LONG }));
    valid(thresholdCardView({ title: 'x', cutoverId: 4, action: 'hard_stop_rollback', afterMs: 330_000, source: 's', elapsedMs: 331_000, roleTitle: 'DBA', timeZone: 'America/Sao_Paulo' }));
    const interrupted = interruptedCardView({ title: LONG, cutoverId: 4, where: 'step copy_data', inspection: Array(100).fill(LONG), endedSessions: [LONG], resume: { label: LONG, fromStep: 'copy_data' }, note: LONG, roleTitle: 'DBA', state: 'waiting' });
    valid(interrupted);
    expect(JSON.stringify(interrupted.blocks)).toContain('"value":"4:copy_data"');
    valid(
      summaryCardView({
        title: LONG,
        kind: 'cutover',
        ok: false,
        headline: LONG,
        decisionLabel: 'ROLLED BACK',
        downtime: { ms: 90_000, from: LONG, to: LONG, target: '60s–90s', within: true },
        steps: Array.from({ length: 70 }, (_, i) => ({ name: `s${i}`, ms: 1000, budgetMs: 500, status: 'succeeded' })),
        totalMs: 70_000,
        budgetTotalMs: 35_000,
        rollback: { ms: 20_000, limitMs: 30_000, verified: true, lines: Array(30).fill(LONG) },
        validation: Array(40).fill(LONG),
        actions: Array(40).fill(LONG),
        next: LONG,
        digest: 'ab'.repeat(32),
        timeZone: 'America/Sao_Paulo',
        now: NOW,
      }),
    );
    valid(
      precheckView({
        title: LONG,
        slots: Array.from({ length: 6 }, (_, i) => ({ index: i, title: LONG, when: 'Mon', lines: [LONG], checks: Array.from({ length: 12 }, (_, k) => ({ id: `c${k}`, line: LONG, attest: k % 2 ? { value: `9:c${k}`, who: 'DBA' } : undefined })), state: 'done' as const })),
        decision: { label: 'DELAY', kind: 'nogo', summary: LONG, reasons: Array(50).fill(LONG), actions: [LONG], reschedule: [LONG] },
        context: 'ctx',
      }),
    );
  });
});
