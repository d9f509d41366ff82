import { AUDIT } from '../audit/actions.js';
import { findCheckpoint } from '../plan/schema.js';
import { formatLocal } from '../plan/time.js';
import { escapeMrkdwn, section, context, type Block } from '../slack/views/blocks.js';
import { signoffCardKey, type SignoffDeps } from './deps.js';
import type { GateVerdict } from './gate.js';
import { loadCheckpointState, type CheckpointSignoffState } from './state.js';

/**
 * Evaluate a checkpoint's gate and, the first time it is open, tell the
 * channel: the checkpoint passed, who signed, and the next checkpoint with its
 * time in the plan's zone. The gate_openings row (one per checkpoint) makes it
 * happen once; if the post fails the row is given back so the next change
 * tries again. Returns the verdict (undefined: no run, or plan not loaded).
 */
export async function announceGateIfOpen(
  deps: SignoffDeps,
  planId: string,
  checkpointId: string,
  actor: string,
  channelHint?: string,
): Promise<GateVerdict | undefined> {
  const plan = deps.plans.get(planId);
  const cp = plan && findCheckpoint(plan, checkpointId);
  if (!plan || !cp) return undefined;
  const state = await loadCheckpointState(deps, plan, cp);
  if (!state) return undefined;
  if (!state.gate.open || !state.run.evidenceDigest) return state.gate;

  const claimed = await deps.store.gates.claim({
    planId: plan.id,
    checkpointId: cp.id,
    runId: state.run.id,
    evidenceDigest: state.run.evidenceDigest,
    nextCheckpointId: state.gate.next?.id ?? null,
    nextAt: state.nextAt ?? null,
    openedBy: actor,
    openedAt: deps.clock.now(),
  });
  if (!claimed) return state.gate;

  const card = await deps.store.messages.get(signoffCardKey(plan.id, cp.id, state.run.id));
  const channel = card?.channelId ?? channelHint ?? deps.defaultChannel;
  try {
    if (!channel) throw new Error('no channel known for the announcement: set GOLIVE_CHANNEL');
    const message = gateAnnouncement(state);
    const ts = await deps.slack.post(channel, message);
    await deps.store.gates.setMessage(plan.id, cp.id, channel, ts);
    await deps.store.audit.append({
      actor,
      action: AUDIT.gateOpened,
      planId: plan.id,
      checkpointId: cp.id,
      runId: state.run.id,
      details: {
        runNumber: state.run.number,
        decision: state.evidence.label,
        evidenceDigest: state.run.evidenceDigest,
        next: state.gate.next?.id ?? null,
        nextAt: state.nextAt?.toISOString() ?? null,
        signedBy: Object.fromEntries(state.gate.counted.map((s) => [s.role, s.userId])),
      },
    });
  } catch (err) {
    deps.logger.error({ err, planId, checkpointId }, 'gate announcement failed; it will be retried on the next change');
    await deps.store.gates.release(plan.id, cp.id);
  }
  return state.gate;
}

export function gateAnnouncement(state: CheckpointSignoffState): { text: string; blocks: Block[] } {
  const { plan, checkpoint: cp, run, evidence, gate } = state;
  const zone = plan.time_zone;
  const signers = cp.signoffs
    .map((r) => {
      const s = gate.counted.find((c) => c.role === r.role);
      return s ? `${escapeMrkdwn(plan.roles[r.role]?.title ?? r.role)} <@${s.userId}>` : undefined;
    })
    .filter(Boolean)
    .join(', ');
  const next = gate.next;
  const nextLine = next
    ? `*Next: ${next.id.toUpperCase()} ${escapeMrkdwn(next.title)}*${state.nextAt ? ` at *${formatLocal(state.nextAt, zone, true)}*` : ''}.`
    : `That was the last checkpoint of ${escapeMrkdwn(plan.title)}.`;
  const head = `🔓 *${plan.id.toUpperCase()} · ${cp.id.toUpperCase()} ${escapeMrkdwn(cp.title)} passed its gate*: ${escapeMrkdwn(evidence.label)} on run #${run.number}, signed by ${signers}.`;
  const actionItems = evidence.outcome?.actions ?? [];
  const blocks: Block[] = [section(`${head}\n${nextLine}`, 'gate-open')];
  if (actionItems.length > 0) {
    blocks.push(section(`*Action items*\n${actionItems.map((a, i) => `${i + 1}. ${escapeMrkdwn(a)}`).join('\n')}`, 'gate-actions'));
  }
  blocks.push(context([`Evidence \`${run.evidenceDigest?.slice(0, 12) ?? ''}\` · times in ${zone}`], 'gate-context'));
  const text = `${plan.id} ${cp.id} passed its gate (${evidence.label}, run #${run.number}). ${next ? `Next: ${next.id} ${next.title}${state.nextAt ? ` at ${formatLocal(state.nextAt, zone, true)}` : ''}.` : 'That was the last checkpoint.'}`;
  return { text, blocks };
}
