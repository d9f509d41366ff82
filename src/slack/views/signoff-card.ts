import type { Checkpoint, Plan } from '../../plan/schema.js';
import { formatLocal, localParts } from '../../plan/time.js';
import type { RunEvidence } from '../../signoff/evidence.js';
import type { GateVerdict } from '../../signoff/gate.js';
import type { GateOpening } from '../../store/gates.js';
import type { MitigationRecord } from '../../store/mitigations.js';
import type { RunRecord } from '../../store/runs.js';
import type { SignoffRecord } from '../../store/signoffs.js';
import { actions, button, capBlocks, context, divider, escapeMrkdwn, header, section, type Block } from './blocks.js';

/**
 * The sign-off card (DESIGN.md, "What people see in the channel"): one per
 * checkpoint run, updated in place. Pure: state in, Block Kit out.
 */

export const SIGNOFF_ACTION = { sign: 'signoff_sign_', withdraw: 'signoff_withdraw_', mitigations: 'signoff_mitigations' } as const;

/** What a button carries: only ids to look things up again, never a verdict. */
export type SignButtonValue = { run: number; role: string };
export type WithdrawButtonValue = { signoff: number };
export type MitigationsButtonValue = { run: number };

export interface SignoffCardState {
  plan: Plan;
  checkpoint: Checkpoint;
  run: RunRecord;
  evidence: RunEvidence;
  /** Live sign-offs of this run. */
  signoffs: readonly SignoffRecord[];
  /** Live sign-offs given on older runs (they do not count), with those runs' numbers. */
  stale: readonly { signoff: SignoffRecord; runNumber: number }[];
  mitigations: readonly MitigationRecord[];
  retestDeadline?: Date | undefined;
  gate: GateVerdict;
  opening?: GateOpening | undefined;
  /** When the next checkpoint starts, resolved in the plan's zone. */
  nextAt?: Date | undefined;
  fourEyes: boolean;
  now: Date;
}

const ICONS: Record<string, string> = { go: '🟢', conditional: '🟡', nogo: '🔴', incomplete: '⏳', running: '⏳', unknown: '⚪' };

export function signoffCardView(state: SignoffCardState): { text: string; blocks: Block[] } {
  const { plan, checkpoint: cp, run, evidence, gate } = state;
  const zone = plan.time_zone;
  const roleTitle = (role: string) => plan.roles[role]?.title ?? role;
  const blocks: Block[] = [header(`${plan.id.toUpperCase()} · ${cp.id.toUpperCase()} ${cp.title} · sign-off · run #${run.number}`, 'so-header')];

  const digest = run.evidenceDigest ? `evidence \`${run.evidenceDigest.slice(0, 12)}\`` : 'no evidence digest yet';
  const decided = run.finishedAt ? ` · decided ${formatLocal(run.finishedAt, zone, false)} ${zone}` : '';
  blocks.push(
    section(
      `${ICONS[evidence.kind] ?? '⚪'} *${escapeMrkdwn(evidence.label)}* · run #${run.number}${run.environment ? ` on ${run.environment}` : ''} · started by <@${run.startedBy}>${decided}\n${digest}`,
      'so-decision',
    ),
  );
  if (evidence.failedCriteria.length > 0) {
    const lines = evidence.failedCriteria.map((c) => `• ${escapeMrkdwn(c.title)}`);
    blocks.push(section(`*Failed criteria (${evidence.failedCriteria.length})*\n${lines.join('\n')}`, 'so-failed'));
  }

  blocks.push(divider());
  const signedByRole = new Map(state.signoffs.map((s) => [s.role, s]));
  const counted = new Set(gate.counted.map((s) => s.id));
  const countedRequired = cp.signoffs.filter((r) => signedByRole.has(r.role) && counted.has(signedByRole.get(r.role)!.id)).length;
  blocks.push(section(`*Sign-offs* ${countedRequired}/${cp.signoffs.length}${state.fourEyes ? ' · four eyes: one role per person' : ''}`, 'so-title'));
  for (const required of cp.signoffs) {
    const signed = signedByRole.get(required.role);
    const blockId = `so-role-${required.role}`;
    if (signed) {
      const note = counted.has(signed.id) ? '' : ' · _stale: evidence changed_';
      blocks.push({
        ...section(`✅ *${escapeMrkdwn(roleTitle(required.role))}* <@${signed.userId}> ${shortTime(signed.signedAt, zone, state.now)}${note}`, blockId),
        accessory: button({ text: 'Withdraw', actionId: `${SIGNOFF_ACTION.withdraw}${required.role}`, value: JSON.stringify({ signoff: signed.id } satisfies WithdrawButtonValue) }),
      });
    } else if (evidence.signable) {
      blocks.push({
        ...section(`⬜ *${escapeMrkdwn(roleTitle(required.role))}* · ${escapeMrkdwn(required.scope)}`, blockId),
        accessory: button({
          text: `Sign off as ${roleTitle(required.role)}`,
          actionId: `${SIGNOFF_ACTION.sign}${required.role}`,
          value: JSON.stringify({ run: run.id, role: required.role } satisfies SignButtonValue),
          style: 'primary',
        }),
      });
    } else {
      blocks.push(section(`⬜ *${escapeMrkdwn(roleTitle(required.role))}* · ${escapeMrkdwn(required.scope)}`, blockId));
    }
  }
  if (!evidence.signable && state.signoffs.length === 0) {
    blocks.push(context([signingClosedReason(evidence, run)], 'so-closed'));
  }
  if (state.stale.length > 0) {
    const lines = state.stale.slice(0, 10).map(
      (s) => `⚠️ stale: ${escapeMrkdwn(roleTitle(s.signoff.role))} <@${s.signoff.userId}> signed run #${s.runNumber} (evidence \`${s.signoff.evidenceDigest.slice(0, 12)}\`) · does not count`,
    );
    blocks.push(context([lines.join('\n')], 'so-stale'));
  }

  if (evidence.kind === 'conditional') {
    blocks.push(divider(), section(mitigationText(state), 'so-mitigations'));
    blocks.push(
      actions(
        [button({ text: state.mitigations.length ? 'Update mitigations' : 'Record mitigations', actionId: SIGNOFF_ACTION.mitigations, value: JSON.stringify({ run: run.id } satisfies MitigationsButtonValue) })],
        'so-mitigation-actions',
      ),
    );
  }

  blocks.push(divider(), section(gateText(state), 'so-gate'));
  blocks.push(context([`Times in ${zone}. Sign-offs bind to this run's evidence digest; a newer run makes them stale.`], 'so-context'));

  const signedRoles = cp.signoffs.filter((r) => signedByRole.has(r.role)).map((r) => r.role);
  const text = `${plan.id} ${cp.id} sign-off, run #${run.number} (${evidence.label}): ${countedRequired}/${cp.signoffs.length} signed${signedRoles.length ? ` (${signedRoles.join(', ')})` : ''}; gate ${gate.open ? 'open' : 'closed'}`;
  return { text, blocks: capBlocks(blocks) };
}

/** An older run's card once a newer run exists: no buttons, a pointer to the new one. */
export function supersededCardView(input: { plan: Plan; checkpoint: Checkpoint; runNumber: number; latestNumber: number }): { text: string; blocks: Block[] } {
  const { plan, checkpoint: cp } = input;
  const text = `${plan.id} ${cp.id} sign-off for run #${input.runNumber} is superseded: run #${input.latestNumber} is newer. Its sign-offs no longer count.`;
  return {
    text,
    blocks: [
      header(`${plan.id.toUpperCase()} · ${cp.id.toUpperCase()} ${cp.title} · sign-off · run #${input.runNumber}`, 'so-header'),
      section(`⚠️ Superseded: run #${input.latestNumber} is newer, so sign-offs given here are stale and do not count. Sign the newest run: \`/golive ${cp.id} signoff\`.`, 'so-superseded'),
    ],
  };
}

function signingClosedReason(evidence: RunEvidence, run: RunRecord): string {
  if (evidence.kind === 'running') return `Sign-offs open when run #${run.number} decides.`;
  if (evidence.kind === 'incomplete') return `Sign-offs open when run #${run.number} decides GO (checks are still pending or skipped).`;
  if (evidence.kind === 'go' && !evidence.gateDecision) return `${evidence.label} is not the decision that opens the next checkpoint: sign-offs bind to the cutover record.`;
  return `Sign-offs approve a GO: run #${run.number} decided ${evidence.label}. Start a new run after the fixes (\`/golive ${run.checkpointId} run\`).`;
}

function mitigationText(state: SignoffCardState): string {
  const zone = state.plan.time_zone;
  const byCriterion = new Map(state.mitigations.map((m) => [m.criterionId, m]));
  const lines = state.evidence.failedCriteria.map((c) => {
    const m = byCriterion.get(c.criterionId);
    return m ? `• ${escapeMrkdwn(c.title)}: owner <@${m.owner}> · ${escapeMrkdwn(m.mitigation)}` : `• ${escapeMrkdwn(c.title)}: _no mitigation yet_`;
  });
  const deadline = state.retestDeadline ? `\nRe-test by *${formatLocal(state.retestDeadline, zone, true)}*.` : '';
  return `*CONDITIONAL: mitigations* (the next checkpoint stays closed until a run decides GO and is signed)\n${lines.join('\n')}${deadline}`;
}

function gateText(state: SignoffCardState): string {
  const { gate, plan } = state;
  const next = gate.next;
  const nextText = next ? `${next.id.toUpperCase()} ${escapeMrkdwn(next.title)}${state.nextAt ? ` at ${formatLocal(state.nextAt, plan.time_zone, true)}` : ''}` : 'the end of the plan';
  if (gate.open) return `🔓 *Gate open*: on to ${nextText}.`;
  const opened = state.opening ? ` (it opened on run #${state.opening.runId === state.run.id ? state.run.number : 'an earlier run'}; it is closed again now)` : '';
  return `🔒 *Gate to ${nextText} closed*${opened}:\n${gate.blockers.map((b) => `• ${b}`).join('\n')}`;
}

/** `14:02 America/Sao_Paulo` today, `13/02 14:02 America/Sao_Paulo` on another day. */
export function shortTime(instant: Date, zone: string, now: Date): string {
  const p = localParts(instant, zone);
  const n = localParts(now, zone);
  const pad = (x: number) => String(x).padStart(2, '0');
  const day = p.year === n.year && p.month === n.month && p.day === n.day ? '' : `${pad(p.day)}/${pad(p.month)} `;
  return `${day}${pad(p.hour)}:${pad(p.minute)} ${zone}`;
}
