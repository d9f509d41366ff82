import { button, capBlocks, clip, context, divider, escapeMrkdwn, header, LIMITS, section, type Block } from './blocks.js';
import { packSections } from './run-lines.js';

/** Action id prefix of a pre-cutover manual check's Attest button (the check id follows). */
export const PRECHECK_ATTEST_ACTION = 'precutover-attest-';

export interface PrecheckSlot {
  index: number;
  title: string;
  /** "Mon 17/02/2026 05:00–06:00". */
  when: string;
  /** The slot's seed lines that are not checks. */
  lines: string[];
  checks: { id: string; line: string; attest?: { value: string; who: string } | undefined }[];
  state: 'upcoming' | 'running' | 'done';
}

export interface PrecheckDecision {
  label: string;
  kind: 'go' | 'conditional' | 'nogo' | 'incomplete';
  summary: string;
  /** Why not PROCEED: failed, unattested and skipped checks, fired triggers. */
  reasons: string[];
  actions: string[];
  /** "production cutover: +24h → Tue 18/02/2026 13:00". */
  reschedule: string[];
  /** When the cutover may start (PROCEED). */
  cutoverAt?: string | undefined;
}

export interface PrecheckViewInput {
  title: string;
  slots: PrecheckSlot[];
  decision?: PrecheckDecision | undefined;
  context: string;
}

const SLOT_ICON: Record<PrecheckSlot['state'], string> = { upcoming: '◻️', running: '⏳', done: '☑️' };

/**
 * The pre-cutover timeline in the channel: one message per slot (its
 * checklist, results as they come, an Attest button per manual item for the
 * role the plan names) and, at the decision point, PROCEED or DELAY with the
 * reasons. `/golive cp3 run` shows every slot in one message.
 */
export function precheckView(v: PrecheckViewInput): { text: string; blocks: Block[] } {
  const blocks: Block[] = [header(v.title, 'pc-header')];
  for (const slot of v.slots) {
    const head = `${SLOT_ICON[slot.state]} *${escapeMrkdwn(slot.title)}* · ${escapeMrkdwn(slot.when)}`;
    const lines = [head, ...slot.lines.map((l) => `_${escapeMrkdwn(l)}_`), ...slot.checks.filter((c) => !c.attest).map((c) => c.line)];
    blocks.push(...packSections(lines, `pc-slot-${slot.index}`));
    for (const check of slot.checks.filter((c) => c.attest)) {
      blocks.push({
        ...section(clip(`${check.line} · by ${escapeMrkdwn(check.attest!.who)}`, LIMITS.section), `pc-attest-${slot.index}-${check.id}`.slice(0, 255)),
        accessory: button({ text: 'Attest', actionId: `${PRECHECK_ATTEST_ACTION}${check.id}`.slice(0, 255), value: check.attest!.value, style: 'primary' }),
      });
    }
  }
  if (v.decision) {
    const d = v.decision;
    const icon = d.kind === 'go' ? '🟢' : d.kind === 'incomplete' ? '⏸️' : '🔴';
    blocks.push(divider(), section(`${icon} *${escapeMrkdwn(d.label)}* · ${escapeMrkdwn(d.summary)}${d.cutoverAt ? `\nCutover: *${escapeMrkdwn(d.cutoverAt)}*` : ''}`, 'pc-decision'));
    if (d.reasons.length) blocks.push(...packSections(d.reasons, 'pc-reasons', 'Why'));
    if (d.actions.length) blocks.push(...packSections(d.actions.map((a, i) => `${i + 1}. ${escapeMrkdwn(a)}`), 'pc-actions', 'Action items'));
    if (d.reschedule.length) blocks.push(...packSections(d.reschedule.map((r) => `• ${escapeMrkdwn(r)}`), 'pc-reschedule', 'Rescheduled'));
  }
  blocks.push(context([v.context], 'pc-context'));
  const text = v.decision ? `${v.title}: ${v.decision.label} (${v.decision.summary})` : `${v.title}: ${v.slots.map((s) => s.title).join(', ')}`;
  return { text: clip(text, LIMITS.fallback), blocks: capBlocks(blocks) };
}
