import { formatDuration } from '../../plan/duration.js';
import { capBlocks, clip, context, divider, escapeMrkdwn, header, LIMITS, type Block } from './blocks.js';
import { packSections } from './run-lines.js';

export type PhaseState = 'waiting' | 'running' | 'done' | 'failed' | 'skipped';

export interface MigrationProgress {
  title: string;
  environment: string;
  startedBy: string;
  startedAt: Date;
  /** Pre-flight, backup, verification: one line each. */
  phases: { label: string; state: PhaseState; detail?: string | undefined }[];
  /** The step runner's steps, in order, per file. */
  steps: { file: string; name: string; state: PhaseState; elapsedMs?: number | undefined; budgetMs?: number | undefined; error?: string | undefined }[];
  /** The end, once there is one. */
  outcome?: { ok: boolean; text: string } | undefined;
  timeLabel: string;
  now: Date;
}

const ICON: Record<PhaseState, string> = { waiting: '◻️', running: '⏳', done: '✅', failed: '❌', skipped: '⏭️' };

/** The one message `/golive cp2 migrate` keeps updating: pre-flight, backup, then each step against its budget. */
export function migrationProgressView(p: MigrationProgress): { text: string; blocks: Block[] } {
  const blocks: Block[] = [header(p.title, 'mig-header')];
  const status = p.outcome ? `${p.outcome.ok ? '🟢' : '🔴'} ${escapeMrkdwn(p.outcome.text)}` : `⏳ migrating ${escapeMrkdwn(p.environment)}…`;
  blocks.push(...packSections([status], 'mig-status'));
  blocks.push(...packSections(p.phases.map((ph) => `${ICON[ph.state]} ${escapeMrkdwn(ph.label)}${ph.detail ? `: ${escapeMrkdwn(ph.detail)}` : ''}`), 'mig-phases'));
  if (p.steps.length) {
    const lines = p.steps.map((s) => {
      const time = s.elapsedMs !== undefined ? ` ${formatDuration(Math.round(s.elapsedMs))}` : '';
      const budget = s.budgetMs !== undefined ? ` / budget ${formatDuration(s.budgetMs)}${s.elapsedMs !== undefined && s.elapsedMs > s.budgetMs ? ' ⚠️ over' : ''}` : '';
      return clip(`${ICON[s.state]} \`${s.name}\`${time}${budget}${s.error ? `: ${escapeMrkdwn(s.error)}` : ''}`, 500);
    });
    blocks.push(...packSections(lines, 'mig-steps', 'Steps'));
  }
  const elapsed = formatDuration(Math.max(0, p.now.getTime() - p.startedAt.getTime()));
  blocks.push(divider(), context([`${escapeMrkdwn(p.environment)} · ${elapsed} · started by <@${p.startedBy}> · ${escapeMrkdwn(p.timeLabel)}`], 'mig-context'));
  const text = clip(`${p.title}: ${p.outcome ? p.outcome.text : 'in progress'}`, LIMITS.fallback);
  return { text, blocks: capBlocks(blocks) };
}
