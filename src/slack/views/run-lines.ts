import type { Decision, DecisionKind } from '../../decision/types.js';
import type { EffectiveResult, RunState } from '../../engine/run-state.js';
import { formatDuration } from '../../plan/duration.js';
import type { Outcome } from '../../plan/schema.js';
import type { Range } from '../../plan/primitives.js';
import { formatLocal } from '../../plan/time.js';
import type { ResultStatus } from '../../store/runs.js';
import { clip, escapeMrkdwn, LIMITS, section, type Block } from './blocks.js';

/** Pieces the run card and `cpN status` share: icons, one line per check, the decision and context lines. */

export const STATUS_ICON: Record<ResultStatus, string> = { pass: '✅', fail: '❌', error: '⚠️', skipped: '⏭️', pending: '⏳' };
export const DECISION_ICON: Record<DecisionKind, string> = { go: '🟢', conditional: '🟡', nogo: '🔴', incomplete: '⏸️' };

const LINE_MAX = 500;

export function checkLine(title: string, result: EffectiveResult | undefined, timeZone: string): string {
  if (!result) return `⏳ *${escapeMrkdwn(title)}* waiting to run`;
  const icon = STATUS_ICON[result.status];
  if (result.attestation) {
    const a = result.attestation;
    const verb = a.outcome === 'pass' ? 'attested' : 'attested as failed';
    return clip(`${icon} *${escapeMrkdwn(title)}* ${verb} by <@${a.userId}> ${formatLocal(a.attestedAt, timeZone, false).slice(-5)}${a.note ? `: ${escapeMrkdwn(a.note)}` : ''}`, LINE_MAX);
  }
  const prefix = result.status === 'error' ? 'error: ' : '';
  return clip(`${icon} *${escapeMrkdwn(title)}* ${prefix}${escapeMrkdwn(result.message ?? result.status)}`, LINE_MAX);
}

/** `🟢 *PASS*`, `⏳ running 7/19`, `⏸️ *INCOMPLETE* · 2 checks pending…`. */
export function decisionLine(state: RunState): string {
  const { run, decision } = state;
  if (run.status === 'running') return `⏳ running ${state.stored.length}/${state.checks.length}`;
  if (run.status === 'failed' || run.status === 'cancelled') return `⚪ *${run.decision ?? run.status.toUpperCase()}* · ${run.status}`;
  return `${DECISION_ICON[decision.kind]} *${escapeMrkdwn(decision.label)}* · ${escapeMrkdwn(summaryOf(decision))}`;
}

function summaryOf(decision: Decision): string {
  // The summary repeats the label first ("PASS: all criteria pass"); the line shows the label already.
  return decision.summary.replace(new RegExp(`^${escapeRegExp(decision.label)}:\\s*`), '');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `staging · 1m 12s · evidence 3f2a9c0d1e4b · started by <@U…> · Sat 07/02/2026 08:00 America/Sao_Paulo (UTC-03:00)` */
export function contextLine(state: RunState, now: Date): string {
  const { run, plan } = state;
  const end = run.finishedAt ?? now;
  const parts = [
    run.environment ?? state.checkpoint.environment,
    formatDuration(Math.max(0, end.getTime() - run.startedAt.getTime())),
    run.evidenceDigest ? `evidence \`${run.evidenceDigest.slice(0, 12)}\`` : undefined,
    // golive starts some runs itself (the end of a stability window): not a Slack user to mention.
    `started by ${/^[UW][A-Z0-9]+$/.test(run.startedBy) ? `<@${run.startedBy}>` : run.startedBy}`,
    formatLocal(run.startedAt, plan.time_zone, true),
  ];
  return parts.filter(Boolean).join(' · ');
}

/** Lines packed into as few sections as Slack's 3000-character limit allows. */
export function packSections(lines: string[], blockIdPrefix: string, heading?: string): Block[] {
  const blocks: Block[] = [];
  let current = heading ? `*${heading}*` : '';
  const flush = () => {
    if (current.trim() !== '') blocks.push(section(current, `${blockIdPrefix}-${blocks.length}`));
    current = '';
  };
  for (const line of lines) {
    const next = current ? `${current}\n${line}` : line;
    if (next.length > LIMITS.section) {
      flush();
      current = clip(line, LIMITS.section);
    } else current = next;
  }
  flush();
  return blocks;
}

/** The outcome's action items, reschedule and escalation, as lines. */
export function outcomeLines(outcome: Outcome): string[] {
  const lines = outcome.actions.map((a) => `• ${escapeMrkdwn(a)}`);
  for (const r of outcome.reschedule) {
    const when = r.when ? ` ${escapeMrkdwn(r.when)}:` : '';
    lines.push(`• Reschedule${when} +${formatRange(r.delay)}${r.what ? ` (${escapeMrkdwn(r.what)})` : ''}`);
  }
  if (outcome.retest_within) lines.push(`• Re-test the failed areas within ${formatRange(outcome.retest_within)}`);
  if (outcome.escalate_to.length) lines.push(`• Escalate to: ${outcome.escalate_to.join(', ')}`);
  if (outcome.next_steps) lines.push(`• ${escapeMrkdwn(outcome.next_steps)}`);
  return lines;
}

export function formatRange(range: Range): string {
  return typeof range === 'string' ? range : `${range.min}–${range.max}`;
}

/** `Connectivity validation 3/3 ✓`, `Backup strategy 2/4 ✗`, `Monitoring 3/4 …`. */
export function criterionTally(state: RunState): string[] {
  return state.checkpoint.criteria.map((crit) => {
    const statuses = crit.checks.map((c) => state.results.get(c.id)?.status);
    const passed = statuses.filter((s) => s === 'pass').length;
    const verdict = state.decision.criteria.find((v) => v.criterionId === crit.id);
    const mark = verdict?.status === 'pass' ? '✓' : verdict?.status === 'fail' ? '✗' : '…';
    const optional = crit.required ? '' : ' _(not counted)_';
    return `${escapeMrkdwn(crit.title)} ${passed}/${crit.checks.length} ${mark}${optional}`;
  });
}
