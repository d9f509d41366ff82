import { formatDuration } from '../../plan/duration.js';
import { formatLocal } from '../../plan/time.js';
import { button, capBlocks, clip, context, divider, escapeMrkdwn, fields, header, LIMITS, section, type Block } from './blocks.js';
import { packSections } from './run-lines.js';

/** The action id prefix of a manual cutover item's Confirm button (phase and index follow). */
export const CUTOVER_ITEM_ACTION = 'cutover-item-';

export type LiveState = 'waiting' | 'running' | 'done' | 'failed' | 'skipped';

export interface LiveItem {
  kind: 'announce' | 'manual' | 'action' | 'status' | 'note';
  text: string;
  state: LiveState;
  /** Who confirms a manual item, as the plan titles the role. */
  roleTitle?: string | undefined;
  /** What happened: "confirmed by <@U…> 13:02", "2 queries drained in 3 s". */
  detail?: string | undefined;
  /** A manual item waiting for its button: the button's value. */
  confirmValue?: string | undefined;
  actionId?: string | undefined;
}

export interface LivePhase {
  id: string;
  title: string;
  state: LiveState;
  detail?: string | undefined;
  items: LiveItem[];
}

export interface LiveStep {
  file: string;
  name: string;
  title?: string | undefined;
  state: LiveState;
  elapsedMs?: number | undefined;
  budgetMs?: number | undefined;
  error?: string | undefined;
  startedAt?: Date | undefined;
}

export interface LiveThreshold {
  action: 'assess' | 'consider_abort' | 'hard_stop_rollback';
  afterMs: number;
  source: string;
  state: 'upcoming' | 'reached' | 'continue' | 'abort';
}

export interface LiveActivity {
  active: number;
  lockWaits: number;
  ungrantedLocks: number;
  longestSeconds: number;
  queries: { pid: number; applicationName: string; seconds: number; waitEvent: string | null; query: string }[];
  error?: string | undefined;
}

/** Everything the one live cutover message shows; the procedure keeps it and redraws from it. */
export interface CutoverLiveView {
  title: string;
  kind: 'cutover' | 'rehearsal' | 'rollback';
  environment: string;
  /** One line: what is happening now. */
  status: string;
  outcome?: { ok: boolean; text: string } | undefined;
  phases: LivePhase[];
  steps: LiveStep[];
  migrationStartedAt?: Date | undefined;
  estimatedCompletion?: Date | undefined;
  activity?: LiveActivity | undefined;
  thresholds: LiveThreshold[];
  startedBy: string;
  confirmedBy?: string | undefined;
  timeZone: string;
  now: Date;
}

/** Escape text golive wrote itself, keeping the user mentions (<@U…>) it put in. */
export function escapeKeepingMentions(text: string): string {
  return escapeMrkdwn(text).replace(/&lt;@([A-Z0-9]+)&gt;/g, '<@$1>');
}

const ICON: Record<LiveState, string> = { waiting: '◻️', running: '⏳', done: '✅', failed: '❌', skipped: '⏭️' };
const ITEM_ICON: Record<LiveItem['kind'], string> = { announce: '📢', manual: '👤', action: '⚙️', status: '•', note: '•' };
export const THRESHOLD_LABEL: Record<LiveThreshold['action'], string> = {
  assess: 'Assess if recoverable',
  consider_abort: 'Consider abort + rollback',
  hard_stop_rollback: 'HARD STOP → rollback',
};

/** The cutover's one live message: phases, each step against its budget, progress, thresholds, pending confirmations. */
export function cutoverLiveView(v: CutoverLiveView): { text: string; blocks: Block[] } {
  const blocks: Block[] = [header(v.title, 'co-header')];
  const head = v.outcome ? `${v.outcome.ok ? '🟢' : '🔴'} *${escapeKeepingMentions(v.outcome.text)}*` : `⏳ ${escapeKeepingMentions(v.status)}`;
  blocks.push(section(head, 'co-status'));

  // One button per manual item waiting for its role, at the top: it is what holds the cutover.
  const waiting = v.phases.flatMap((p) => p.items).filter((i) => i.kind === 'manual' && i.state === 'running' && i.confirmValue && i.actionId);
  for (const item of waiting.slice(0, 10)) {
    blocks.push({
      ...section(clip(`👤 *${escapeMrkdwn(item.text)}*: waiting for ${escapeMrkdwn(item.roleTitle ?? 'its role')} to confirm`, LIMITS.section), `co-wait-${item.actionId}`.slice(0, 255)),
      accessory: button({ text: 'Confirm done', actionId: item.actionId!, value: item.confirmValue!, style: 'primary' }),
    });
  }

  const phaseLines = v.phases.map((p) => {
    const head = `${ICON[p.state]} *${escapeMrkdwn(p.title)}*${p.detail ? `: ${escapeKeepingMentions(p.detail)}` : ''}`;
    const items = p.items.map((i) => `      ${[ITEM_ICON[i.kind], itemIcon(i)].filter(Boolean).join(' ')} ${escapeMrkdwn(i.text)}${i.roleTitle ? ` _(${escapeMrkdwn(i.roleTitle)})_` : ''}${i.detail ? `: ${escapeKeepingMentions(i.detail)}` : ''}`);
    return clip([head, ...items].join('\n'), 1500);
  });
  blocks.push(...packSections(phaseLines, 'co-phases', 'Phases'));

  if (v.steps.length) {
    const lines = v.steps.map((s) => {
      const elapsed = s.state === 'running' && s.startedAt ? Math.max(0, v.now.getTime() - s.startedAt.getTime()) : s.elapsedMs;
      const time = elapsed !== undefined ? ` ${formatDuration(Math.round(elapsed))}` : '';
      const over = elapsed !== undefined && s.budgetMs !== undefined && elapsed > s.budgetMs;
      const budget = s.budgetMs !== undefined ? ` / budget ${formatDuration(s.budgetMs)}${over ? ' ⚠️ over budget' : ''}` : '';
      return clip(`${ICON[s.state]} \`${s.name}\`${s.title ? ` ${escapeMrkdwn(s.title)}` : ''}${time}${budget}${s.error ? `: ${escapeMrkdwn(s.error)}` : ''}`, 500);
    });
    blocks.push(...packSections(lines, 'co-steps', 'Steps'));
  }

  const progress: string[] = [];
  if (v.migrationStartedAt) {
    progress.push(`*Migration elapsed*\n${formatDuration(Math.max(0, v.now.getTime() - v.migrationStartedAt.getTime()))}`);
  }
  if (v.estimatedCompletion && !v.outcome) progress.push(`*Estimated completion*\n${formatLocal(v.estimatedCompletion, v.timeZone, false)}`);
  const next = v.thresholds.find((t) => t.state === 'upcoming');
  if (next && v.migrationStartedAt && !v.outcome) {
    const at = new Date(v.migrationStartedAt.getTime() + next.afterMs);
    progress.push(`*Next threshold*\n${THRESHOLD_LABEL[next.action]} at ${formatLocal(at, v.timeZone, false).slice(-5)} (+${formatDuration(next.afterMs)})`);
  }
  if (v.activity) {
    const a = v.activity;
    progress.push(a.error ? `*Target activity*\nnot readable: ${escapeMrkdwn(a.error)}` : `*Active queries / lock waits*\n${a.active} / ${a.lockWaits} (${a.ungrantedLocks} locks not granted)`);
  }
  if (progress.length) blocks.push(fields(progress, 'co-progress'));
  if (v.activity && !v.activity.error && v.activity.queries.length) {
    const lines = v.activity.queries.map((q) => `\`${q.pid}\` ${escapeMrkdwn(q.applicationName || '?')} ${Math.round(q.seconds)} s${q.waitEvent ? ` ⏸ ${escapeMrkdwn(q.waitEvent)}` : ''}: \`${escapeMrkdwn(clip(q.query, 120))}\``);
    blocks.push(...packSections(lines, 'co-queries', 'Longest queries on the target'));
  }

  const crossed = v.thresholds.filter((t) => t.state !== 'upcoming');
  if (crossed.length) {
    blocks.push(section(crossed.map((t) => `🚩 +${formatDuration(t.afterMs)} ${THRESHOLD_LABEL[t.action]}${t.state === 'continue' ? ': continue' : t.state === 'abort' ? ': abort' : ''}`).join('\n'), 'co-thresholds'));
  }

  const who = `started by <@${v.startedBy}>${v.confirmedBy ? `, confirmed by <@${v.confirmedBy}>` : ''}`;
  blocks.push(divider(), context([`${escapeMrkdwn(v.environment)} · ${who} · ${formatLocal(v.now, v.timeZone, true)}`], 'co-context'));
  const text = clip(`${v.title}: ${v.outcome ? v.outcome.text : v.status}`, LIMITS.fallback);
  return { text, blocks: capBlocks(blocks) };
}

function itemIcon(item: LiveItem): string {
  if (item.kind === 'status' || item.kind === 'note') return '';
  return ICON[item.state];
}
