import type { Plan } from '../../plan/schema.js';
import { formatLocal, resolveMoment, type MomentContext } from '../../plan/time.js';
import type { RunRecord } from '../../store/runs.js';
import { capBlocks, context, divider, escapeMrkdwn, header, section, type Block } from './blocks.js';

export interface PlanStatusState {
  plan: Plan;
  latestRuns: Map<string, RunRecord>;
  moments: MomentContext;
  now: Date;
}

const DECISION_ICONS: Record<string, string> = { go: '🟢', conditional: '🟡', nogo: '🔴' };

/** `/golive status`: every checkpoint of the plan with its window and its latest decision. */
export function planStatusView(state: PlanStatusState): { text: string; blocks: Block[] } {
  const { plan } = state;
  const blocks: Block[] = [header(`${plan.id.toUpperCase()} · ${plan.title}`, 'plan-header')];
  const lines: string[] = [];
  for (const cp of plan.checkpoints) {
    const run = state.latestRuns.get(cp.id);
    const window = describeWindow(cp.window.start, cp.window.end, state.moments);
    const line = `*${cp.id.toUpperCase()} · ${escapeMrkdwn(cp.title)}*\n${window}\n${describeRun(run)}`;
    lines.push(`${cp.id}: ${run?.decision ?? (run?.status === 'running' ? 'running' : 'no run yet')}`);
    blocks.push(section(line, `cp-${cp.id}`));
  }
  blocks.push(divider(), context([`Times in ${plan.time_zone} · as of ${safeFormat(state.now, state.moments)}`], 'plan-context'));
  return { text: `${plan.id} status: ${lines.join(' · ')}`, blocks: capBlocks(blocks) };
}

function describeRun(run: RunRecord | undefined): string {
  if (!run) return '⚪ not started';
  if (run.status === 'running') return `⏳ run #${run.number} in progress`;
  const icon = DECISION_ICONS[run.decisionKind ?? ''] ?? '⚪';
  return `${icon} ${run.decision ?? run.status} · run #${run.number}${run.environment ? ` on ${run.environment}` : ''}`;
}

function describeWindow(start: string, end: string, moments: MomentContext): string {
  try {
    return `${formatLocal(resolveMoment(start, moments), moments.timeZone, false)} → ${formatLocal(resolveMoment(end, moments), moments.timeZone, false)}`;
  } catch {
    return `${start} → ${end}`;
  }
}

function safeFormat(instant: Date, moments: MomentContext): string {
  return formatLocal(instant, moments.timeZone, true);
}
