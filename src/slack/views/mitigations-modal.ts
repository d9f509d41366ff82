import type { Checkpoint, Plan } from '../../plan/schema.js';
import { formatLocal } from '../../plan/time.js';
import type { FailedCriterion } from '../../signoff/evidence.js';
import type { MitigationRecord } from '../../store/mitigations.js';
import type { RunRecord } from '../../store/runs.js';
import { clip, escapeMrkdwn, section, type Block } from './blocks.js';

/**
 * The CONDITIONAL modal: an owner and a mitigation for each failed criterion.
 * Pure. Block ids name the criterion; private_metadata carries only the run id
 * (re-read from the state DB on submit).
 */

export const MITIGATIONS_CALLBACK_ID = 'signoff_mitigations';
export const MITIGATION_MIN_CHARS = 10;
export const MITIGATION_MAX_CHARS = 2000;
/** Two inputs per criterion, plus the intro, within a modal's 100 blocks. */
const MAX_CRITERIA = 45;

export const ownerBlockId = (criterionId: string) => `mit_owner_${criterionId}`;
export const textBlockId = (criterionId: string) => `mit_text_${criterionId}`;
export const OWNER_ACTION = 'owner';
export const TEXT_ACTION = 'mitigation';

export interface MitigationsModalState {
  plan: Plan;
  checkpoint: Checkpoint;
  run: RunRecord;
  label: string;
  failedCriteria: readonly FailedCriterion[];
  existing: readonly MitigationRecord[];
  retestDeadline?: Date | undefined;
  channelId: string;
}

export function mitigationsModal(state: MitigationsModalState): Record<string, unknown> {
  const { plan, checkpoint: cp, run } = state;
  const byCriterion = new Map(state.existing.map((m) => [m.criterionId, m]));
  const deadline = state.retestDeadline ? `\nRe-test by *${formatLocal(state.retestDeadline, plan.time_zone, true)}*.` : '';
  const blocks: Block[] = [
    section(
      `*${plan.id.toUpperCase()} · ${cp.id.toUpperCase()} run #${run.number}: ${escapeMrkdwn(state.label)}*\nName an owner and a mitigation for each failed criterion. The next checkpoint stays closed until a run decides GO and is signed.${deadline}`,
      'mit_intro',
    ),
  ];
  for (const c of state.failedCriteria.slice(0, MAX_CRITERIA)) {
    const m = byCriterion.get(c.criterionId);
    blocks.push({
      type: 'input',
      block_id: ownerBlockId(c.criterionId),
      label: { type: 'plain_text', text: clip(`Owner · ${c.title}`, 2000) },
      element: { type: 'users_select', action_id: OWNER_ACTION, ...(m ? { initial_user: m.owner } : {}) },
    });
    blocks.push({
      type: 'input',
      block_id: textBlockId(c.criterionId),
      label: { type: 'plain_text', text: clip(`Mitigation · ${c.title}`, 2000) },
      element: {
        type: 'plain_text_input',
        action_id: TEXT_ACTION,
        multiline: true,
        max_length: MITIGATION_MAX_CHARS,
        ...(m ? { initial_value: m.mitigation } : {}),
        placeholder: { type: 'plain_text', text: 'Root cause, the fix, and how the re-test proves it' },
      },
    });
  }
  return {
    type: 'modal',
    callback_id: MITIGATIONS_CALLBACK_ID,
    private_metadata: JSON.stringify({ run: run.id, channel: state.channelId }),
    title: { type: 'plain_text', text: 'Record mitigations' },
    submit: { type: 'plain_text', text: 'Save' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks,
  };
}
