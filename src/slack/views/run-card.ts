import type { RunState } from '../../engine/run-state.js';
import { rolesAllowed, type Check } from '../../plan/schema.js';
import { button, capBlocks, clip, context, divider, escapeMrkdwn, header, LIMITS, section, type Block } from './blocks.js';
import { checkLine, contextLine, criterionTally, decisionLine, outcomeLines, packSections } from './run-lines.js';

/** The action id of an Attest button; the check id follows (one button per pending manual check). */
export const ATTEST_ACTION_PREFIX = 'run-attest-';

/**
 * The run card: one channel message per run, redrawn in place as checks
 * finish (DESIGN.md, "What people see"). Pure: state in, Block Kit out.
 * Failures come first with observed vs expected, then the checks waiting for
 * a person, then every criterion folded to a tally, the outcome's actions,
 * and the context line.
 */
export function runCardView(state: RunState, now: Date): { text: string; blocks: Block[] } {
  const { plan, checkpoint: cp, run, decision } = state;
  const title = `${plan.id.toUpperCase()} · ${cp.id.toUpperCase()} ${cp.title} · run #${run.number}`;
  const blocks: Block[] = [header(title, 'run-header'), section(decisionLine(state), 'run-decision')];

  if (decision.firedTriggers.length) {
    const lines = decision.firedTriggers.map((t) => `✗ *${escapeMrkdwn(t.title)}*${t.reasons.length ? `: ${escapeMrkdwn(t.reasons.join('; '))}` : ''}`);
    blocks.push(...packSections(lines, 'run-triggers', 'Fail triggers fired'));
  }

  const byId = new Map(state.checks.map((c) => [c.id, c]));
  const line = (check: Check) => checkLine(check.title, state.results.get(check.id), plan.time_zone);
  const failed = state.checks.filter((c) => ['fail', 'error'].includes(state.results.get(c.id)?.status ?? ''));
  // Required failures decide; optional ones are shown after them.
  failed.sort((a, b) => Number(a.optional) - Number(b.optional));
  if (failed.length) blocks.push(...packSections(failed.map((c) => line(c) + (c.optional ? ' _(optional)_' : '')), 'run-failed', `Failed (${failed.length})`));

  // One section per pending manual check, with its Attest button.
  const pendingManual = state.checks.filter((c) => c.type === 'manual' && state.results.get(c.id)?.status === 'pending');
  for (const check of pendingManual) {
    const roles = check.attest_by ?? rolesAllowed(plan, 'attest', cp.id) ?? [];
    const who = roles.map((r) => plan.roles[r]?.title ?? r).join(' or ') || 'anyone';
    blocks.push({
      ...section(clip(`⏳ *${escapeMrkdwn(check.title)}* awaiting attestation by ${escapeMrkdwn(who)}`, LIMITS.section), `attest-${check.id}`),
      accessory: button({ text: 'Attest', actionId: `${ATTEST_ACTION_PREFIX}${check.id}`, value: `${run.id}:${check.id}`, style: 'primary' }),
    });
  }

  const skipped = state.checks.filter((c) => state.results.get(c.id)?.status === 'skipped');
  if (skipped.length) blocks.push(...packSections(skipped.map(line), 'run-skipped', `Not run (${skipped.length})`));

  if (run.status === 'running') {
    const waiting = state.checks.filter((c) => !state.results.has(c.id) && byId.has(c.id));
    if (waiting.length) blocks.push(context([clip(`Waiting: ${waiting.map((c) => c.title).join(', ')}`, LIMITS.context)], 'run-waiting'));
  }

  blocks.push(...packSections(criterionTally(state), 'run-criteria', 'Criteria'));

  if (run.status !== 'running' && decision.outcome && (decision.kind !== 'go' || decision.outcome.actions.length)) {
    const lines = outcomeLines(decision.outcome);
    if (lines.length) blocks.push(...packSections(lines, 'run-actions', `${decision.label}: what happens now`));
  }

  blocks.push(divider(), context([contextLine(state, now)], 'run-context'));
  return { text: fallbackText(state), blocks: capBlocks(blocks) };
}

function fallbackText(state: RunState): string {
  const { plan, checkpoint: cp, run, decision } = state;
  const head = `${plan.id.toUpperCase()} ${cp.id.toUpperCase()} run #${run.number}`;
  if (run.status === 'running') return `${head}: running ${state.stored.length}/${state.checks.length}`;
  const failed = decision.failedCriteria.length;
  return clip(`${head}: ${decision.label}${failed ? ` (${failed} failed criteri${failed === 1 ? 'on' : 'a'})` : ''}`, LIMITS.fallback);
}
