import type { RunState } from '../../engine/run-state.js';
import type { Checkpoint, Plan } from '../../plan/schema.js';
import { formatLocal, resolveMoment, type MomentContext } from '../../plan/time.js';
import { capBlocks, clip, context, divider, escapeMrkdwn, header, LIMITS, section, type Block } from './blocks.js';
import { checkLine, contextLine, decisionLine, packSections } from './run-lines.js';

export interface CheckpointStatusState {
  plan: Plan;
  checkpoint: Checkpoint;
  /** The latest run of the checkpoint, if any. */
  latest?: RunState | undefined;
  moments: MomentContext;
  now: Date;
  /** One line per required sign-off; the sign-off feature fills these in. */
  signoffLines?: string[] | undefined;
}

/**
 * `/golive cpN status`: the checkpoint's criteria with every check of the
 * latest run (not folded: this is where people look at the evidence), the
 * decision, the fail triggers and the sign-offs.
 */
export function checkpointStatusView(state: CheckpointStatusState): { text: string; blocks: Block[] } {
  const { plan, checkpoint: cp, latest } = state;
  const blocks: Block[] = [
    header(`${plan.id.toUpperCase()} · ${cp.id.toUpperCase()} ${cp.title}`, 'cp-header'),
    section(clip(`${escapeMrkdwn(cp.objective)}\n_${windowText(cp, state.moments)}_`, LIMITS.section), 'cp-objective'),
  ];
  if (!latest) {
    blocks.push(section(`No run yet: \`/golive ${plan.id} ${cp.id} run\``, 'cp-no-run'));
  } else {
    blocks.push(section(`*Run #${latest.run.number}* ${decisionLine(latest)}`, 'cp-decision'));
    cp.criteria.forEach((crit, i) => {
      const verdict = latest.decision.criteria.find((v) => v.criterionId === crit.id);
      const mark = verdict?.status === 'pass' ? '✓' : verdict?.status === 'fail' ? '✗' : '…';
      const passed = crit.checks.filter((c) => latest.results.get(c.id)?.status === 'pass').length;
      const lines = crit.checks.map((c) => checkLine(c.title, latest.results.get(c.id), plan.time_zone));
      blocks.push(...packSections(lines, `cp-crit-${i}`, `${escapeMrkdwn(crit.title)} ${passed}/${crit.checks.length} ${mark}${crit.required ? '' : ' (not counted)'}`));
    });
    const fired = latest.decision.firedTriggers;
    if (fired.length) {
      blocks.push(...packSections(fired.map((t) => `✗ ${escapeMrkdwn(t.title)}: ${escapeMrkdwn(t.reasons.join('; '))}`), 'cp-triggers', 'Fail triggers fired'));
    }
  }
  const signoffs = state.signoffLines ?? cp.signoffs.map((s) => `☐ ${escapeMrkdwn(plan.roles[s.role]?.title ?? s.role)} (${escapeMrkdwn(s.scope)})`);
  blocks.push(...packSections(signoffs, 'cp-signoffs', 'Sign-offs'));
  blocks.push(divider());
  blocks.push(context([latest ? contextLine(latest, state.now) : `Times in ${plan.time_zone}`], 'cp-context'));
  const text = latest ? `${cp.id.toUpperCase()}: run #${latest.run.number} ${latest.run.status === 'running' ? 'running' : latest.decision.label}` : `${cp.id.toUpperCase()}: no run yet`;
  return { text, blocks: capBlocks(blocks) };
}

function windowText(cp: Checkpoint, moments: MomentContext): string {
  try {
    const start = resolveMoment(cp.window.start, moments);
    const end = resolveMoment(cp.window.end, moments);
    return `Window ${formatLocal(start, moments.timeZone, false)} → ${formatLocal(end, moments.timeZone, true)}`;
  } catch {
    return `Window ${cp.window.start} → ${cp.window.end} (${moments.timeZone})`;
  }
}
