import { formatDuration } from '../../plan/duration.js';
import { formatLocal } from '../../plan/time.js';
import { actions, button, capBlocks, clip, context, divider, escapeMrkdwn, header, LIMITS, section, type Block } from './blocks.js';
import { escapeKeepingMentions, THRESHOLD_LABEL } from './cutover.js';
import { packSections } from './run-lines.js';

/** Blocks within Slack's 50, the tail (the buttons) always kept: the information is cut first. */
export function keepTail(blocks: Block[], tail: Block[]): Block[] {
  const room = LIMITS.blocks - tail.length;
  if (blocks.length <= room) return [...blocks, ...tail];
  const kept = blocks.slice(0, room - 1);
  return [...kept, context([`…and ${blocks.length - kept.length} more`]), ...tail];
}

/** Action ids of the cutover's buttons; values carry only the cutover id (and a step), looked up again on click. */
export const CUTOVER_ACTION = {
  confirm: 'cutover-confirm',
  cancel: 'cutover-cancel',
  thresholdContinue: 'cutover-threshold-continue',
  thresholdAbort: 'cutover-threshold-abort',
  resume: 'cutover-resume',
  rollback: 'cutover-rollback-now',
} as const;

export interface ConfirmCardInput {
  title: string;
  kind: 'cutover' | 'rehearsal' | 'rollback';
  cutoverId: number;
  environment: string;
  /** Why golive lets it start: "CP2 gate open (run #4, GO)", "pre-cutover PROCEED (cp3 run #7)". */
  reasons: string[];
  /** What will happen, in order. */
  plan: string[];
  confirmRoleTitle: string;
  state: 'awaiting' | 'confirmed' | 'cancelled';
  startedBy: string;
  actor?: string | undefined;
  at?: Date | undefined;
  timeZone: string;
}

/** The card `/golive cp3 start|rehearse|rollback` posts: what will happen, and the button only the DBA may press. */
export function confirmCardView(c: ConfirmCardInput): { text: string; blocks: Block[] } {
  const verb = c.kind === 'rollback' ? 'roll back' : c.kind === 'rehearsal' ? 'rehearse' : 'start the cutover';
  const blocks: Block[] = [header(c.title, 'cc-header')];
  blocks.push(section(`*${escapeMrkdwn(c.environment)}*: <@${c.startedBy}> asked to ${verb}. ${c.kind === 'cutover' ? 'This changes production.' : ''}`, 'cc-intro'));
  if (c.reasons.length) blocks.push(...packSections(c.reasons.map((r) => `✅ ${escapeKeepingMentions(r)}`), 'cc-reasons', 'Ready'));
  if (c.plan.length) blocks.push(...packSections(c.plan.map((p, i) => `${i + 1}. ${escapeMrkdwn(p)}`), 'cc-plan', 'What golive will do'));
  const tail: Block[] = [];
  if (c.state === 'awaiting') {
    tail.push(section(`Only a ${escapeMrkdwn(c.confirmRoleTitle)} may confirm.`, 'cc-who'));
    tail.push(
      actions(
        [
          button({ text: c.kind === 'rollback' ? 'Roll back now' : c.kind === 'rehearsal' ? 'Start the rehearsal' : 'Start the cutover', actionId: CUTOVER_ACTION.confirm, value: String(c.cutoverId), style: c.kind === 'rehearsal' ? 'primary' : 'danger' }),
          button({ text: 'Cancel', actionId: CUTOVER_ACTION.cancel, value: String(c.cutoverId) }),
        ],
        'cc-actions',
      ),
    );
  } else {
    const when = c.at ? ` at ${formatLocal(c.at, c.timeZone, true)}` : '';
    tail.push(section(c.state === 'confirmed' ? `▶️ Confirmed by <@${c.actor}>${when}: follow the live message below.` : `✖️ Cancelled${c.actor ? ` by <@${c.actor}>` : ''}${when}.`, 'cc-state'));
  }
  return { text: clip(`${c.title}: ${c.state === 'awaiting' ? `waiting for a ${c.confirmRoleTitle} to confirm` : c.state}`, LIMITS.fallback), blocks: keepTail(blocks, tail) };
}

export interface ThresholdCardInput {
  title: string;
  cutoverId: number;
  action: 'assess' | 'consider_abort' | 'hard_stop_rollback';
  afterMs: number;
  source: string;
  elapsedMs: number;
  currentStep?: string | undefined;
  decision?: { choice: 'continue' | 'abort'; by: string; at: Date } | undefined;
  roleTitle: string;
  timeZone: string;
  /** Steps still to run, for "is it recoverable". */
  remaining?: string | undefined;
}

/** Posted once when the migration's elapsed time crosses a threshold of the plan. */
export function thresholdCardView(t: ThresholdCardInput): { text: string; blocks: Block[] } {
  const hard = t.action === 'hard_stop_rollback';
  const head = `${hard ? '🛑' : '⚠️'} *${escapeMrkdwn(t.title)}: ${THRESHOLD_LABEL[t.action]}*, migration running for ${formatDuration(t.elapsedMs)} (threshold +${formatDuration(t.afterMs)})`;
  const lines = [`_${escapeMrkdwn(t.source)}_`];
  if (t.currentStep) lines.push(`Current step: \`${escapeMrkdwn(t.currentStep)}\``);
  if (t.remaining) lines.push(`Still to run: ${escapeMrkdwn(t.remaining)}`);
  if (hard) lines.push('golive is stopping the migration now and running the rollback file by itself.');
  const blocks: Block[] = [section(`${head}\n${lines.join('\n')}`, 'th-head')];
  if (!hard) {
    if (t.decision) {
      blocks.push(section(`${t.decision.choice === 'continue' ? '▶️ Continue' : '⏹️ Abort + rollback'}: decided by <@${t.decision.by}> at ${formatLocal(t.decision.at, t.timeZone, false).slice(-5)}`, 'th-decision'));
    } else {
      blocks.push(section(`A ${escapeMrkdwn(t.roleTitle)} decides:`, 'th-who'));
      blocks.push(
        actions(
          [
            button({ text: 'Continue', actionId: CUTOVER_ACTION.thresholdContinue, value: `${t.cutoverId}:${t.action}`, style: 'primary' }),
            button({ text: 'Abort + roll back', actionId: CUTOVER_ACTION.thresholdAbort, value: `${t.cutoverId}:${t.action}`, style: 'danger' }),
          ],
          'th-actions',
        ),
      );
    }
  }
  return { text: clip(`${t.title}: ${THRESHOLD_LABEL[t.action]} (${formatDuration(t.elapsedMs)} into the migration)`, LIMITS.fallback), blocks };
}

export interface InterruptedCardInput {
  title: string;
  cutoverId: number;
  /** Where it stopped: "step copy_data of 1770470100_…sql", "phase validation". */
  where: string;
  /** What the verify queries say, one line per step. */
  inspection: string[];
  endedSessions: string[];
  /** The resume button: its label and the step it starts at (re-run when needsDecision). */
  resume?: { label: string; fromStep?: string | undefined } | undefined;
  note?: string | undefined;
  roleTitle: string;
  state: 'waiting' | 'resuming' | 'rolling_back';
  actor?: string | undefined;
}

/** "Interrupted at step X": what the database says, and the DBA's two ways on. */
export function interruptedCardView(c: InterruptedCardInput): { text: string; blocks: Block[] } {
  const blocks: Block[] = [section(`🟠 *${escapeMrkdwn(c.title)} was interrupted at ${escapeMrkdwn(c.where)}.* golive does not run a half-done step again by itself.`, 'int-head')];
  if (c.endedSessions.length) blocks.push(section(`Orphaned session ended: ${c.endedSessions.map(escapeMrkdwn).join(', ')} (its locks are released).`, 'int-sessions'));
  if (c.inspection.length) blocks.push(...packSections(c.inspection.map(escapeMrkdwn), 'int-inspect', 'What the verify queries say now'));
  if (c.note) blocks.push(section(escapeKeepingMentions(c.note), 'int-note'));
  const tail: Block[] = [];
  if (c.state === 'waiting') {
    const elements = [];
    if (c.resume) elements.push(button({ text: c.resume.label, actionId: CUTOVER_ACTION.resume, value: `${c.cutoverId}:${c.resume.fromStep ?? ''}`, style: 'primary' }));
    elements.push(button({ text: 'Roll back', actionId: CUTOVER_ACTION.rollback, value: String(c.cutoverId), style: 'danger' }));
    tail.push(section(`A ${escapeMrkdwn(c.roleTitle)} decides:`, 'int-who'), actions(elements, 'int-actions'));
  } else {
    tail.push(section(`${c.state === 'resuming' ? '▶️ Resuming' : '⏪ Rolling back'}: chosen by <@${c.actor}>.`, 'int-state'));
  }
  return { text: clip(`${c.title} was interrupted at ${c.where}`, LIMITS.fallback), blocks: keepTail(blocks, tail) };
}

export interface SummaryInput {
  title: string;
  kind: 'cutover' | 'rehearsal' | 'rollback';
  ok: boolean;
  headline: string;
  decisionLabel?: string | undefined;
  downtime?: { ms: number; from: string; to: string; target: string; within: boolean } | undefined;
  steps: { name: string; ms: number | undefined; budgetMs: number | undefined; status: string }[];
  totalMs?: number | undefined;
  budgetTotalMs?: number | undefined;
  rollback?: { ms: number; limitMs: number; verified: boolean; lines: string[] } | undefined;
  validation?: string[] | undefined;
  actions?: string[] | undefined;
  next?: string | undefined;
  digest?: string | undefined;
  timeZone: string;
  now: Date;
}

/** After the cutover (or rehearsal, or rollback): downtime, each step against its budget, what comes next. */
export function summaryCardView(s: SummaryInput): { text: string; blocks: Block[] } {
  const blocks: Block[] = [header(s.title, 'sum-header'), section(`${s.ok ? '🟢' : '🔴'} *${escapeMrkdwn(s.decisionLabel ?? '')}${s.decisionLabel ? ': ' : ''}${escapeKeepingMentions(s.headline)}*`, 'sum-head')];
  if (s.downtime) {
    const d = s.downtime;
    blocks.push(section(`*Downtime* ${formatDuration(d.ms)} (target ${escapeMrkdwn(d.target)}) ${d.within ? '✓' : '⚠️ outside the target'}\n_from “${escapeMrkdwn(d.from)}” to “${escapeMrkdwn(d.to)}”_`, 'sum-downtime'));
  }
  if (s.steps.length) {
    const lines = s.steps.map((st) => {
      const time = st.ms !== undefined ? formatDuration(Math.round(st.ms)) : '–';
      const budget = st.budgetMs !== undefined ? ` / budget ${formatDuration(st.budgetMs)}` : '';
      const mark = st.status !== 'succeeded' && st.status !== 'skipped' ? ` (${st.status})` : st.ms !== undefined && st.budgetMs !== undefined && st.ms > st.budgetMs ? ' ⚠️ over' : st.budgetMs !== undefined && st.ms !== undefined ? ' ✓' : '';
      return `\`${escapeMrkdwn(st.name)}\` ${time}${budget}${mark}`;
    });
    if (s.totalMs !== undefined) lines.push(`*Migration* ${formatDuration(Math.round(s.totalMs))}${s.budgetTotalMs !== undefined ? ` / budget ${formatDuration(s.budgetTotalMs)}` : ''}`);
    blocks.push(...packSections(lines, 'sum-steps', s.kind === 'rehearsal' ? 'Each step against its budget (calibration)' : 'Steps against their budgets'));
  }
  if (s.rollback) {
    const r = s.rollback;
    const head = `*Rollback* ${formatDuration(Math.round(r.ms))} / limit ${formatDuration(r.limitMs)} ${r.ms <= r.limitMs ? '✓' : '⚠️ over the limit'} · ${r.verified ? 'verified ✓' : 'NOT verified ✗'}`;
    blocks.push(...packSections([head, ...r.lines.map(escapeMrkdwn)], 'sum-rollback'));
  }
  if (s.validation?.length) blocks.push(...packSections(s.validation, 'sum-validation', 'Validation'));
  if (s.actions?.length) blocks.push(...packSections(s.actions.map((a) => `• ${escapeMrkdwn(a)}`), 'sum-actions', 'What happens now'));
  if (s.next) blocks.push(section(escapeMrkdwn(s.next), 'sum-next'));
  blocks.push(divider(), context([`${s.digest ? `evidence \`${s.digest.slice(0, 12)}\` · ` : ''}${formatLocal(s.now, s.timeZone, true)}`], 'sum-context'));
  return { text: clip(`${s.title}: ${s.decisionLabel ? `${s.decisionLabel}: ` : ''}${s.headline}`, LIMITS.fallback), blocks: capBlocks(blocks) };
}
