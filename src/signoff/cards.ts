import { ephemeral, type CommandReply } from '../../commands/types.js';
import { AUDIT } from '../audit/actions.js';
import { findCheckpoint, type Checkpoint, type Plan } from '../plan/schema.js';
import { signoffCardView, supersededCardView } from '../slack/views/signoff-card.js';
import { commandHint, signoffCardKey, type SignoffDeps } from './deps.js';
import { announceGateIfOpen } from './announce.js';
import { postOutcomeNotice } from './outcome-notice.js';
import { loadCheckpointState } from './state.js';

const CARD_KIND = 'signoff-card';
const SUPERSEDED_KIND = 'signoff-card-superseded';

/**
 * The sign-off card: posted by `/golive cpN signoff`, refreshed in place after
 * every sign-off, withdrawal, mitigation or attestation. Refreshes of one card
 * run one after another in this process, each reading the state afresh, so the
 * last update shows the last state.
 */
export function createSignoffCards(deps: SignoffDeps) {
  const queues = new Map<string, Promise<void>>();
  const serialise = (key: string, work: () => Promise<void>): Promise<void> => {
    const previous = queues.get(key) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(work);
    queues.set(key, next);
    void next.finally(() => {
      if (queues.get(key) === next) queues.delete(key);
    }).catch(() => {});
    return next;
  };

  async function post(input: { planId: string; checkpointId: string; channelId: string; userId: string }): Promise<CommandReply> {
    const plan = deps.plans.require(input.planId);
    const cp = findCheckpoint(plan, input.checkpointId)!;
    const state = await loadCheckpointState(deps, plan, cp);
    if (!state) {
      return ephemeral(`${cp.id.toUpperCase()} ${cp.title} has no run yet, so there is nothing to sign. Start one with ${commandHint(deps.plans, plan.id, `${cp.id} run`)}.`);
    }
    const { run } = state;
    if (run.status === 'running') {
      return ephemeral(`Run #${run.number} of ${cp.id} is still running. Post the sign-off card once it has decided: ${commandHint(deps.plans, plan.id, `${cp.id} signoff`)}.`);
    }
    const key = signoffCardKey(plan.id, cp.id, run.id);
    await serialise(key, async () => {
      const fresh = (await loadCheckpointState(deps, plan, cp)) ?? state;
      const view = signoffCardView({ ...fresh, now: deps.clock.now() });
      const previous = await deps.store.messages.get(key);
      // One card per run: asking again brings the card down to the bottom of the channel.
      const ts = await deps.slack.post(input.channelId, view);
      await deps.store.messages.save(key, CARD_KIND, input.channelId, ts);
      if (previous?.ts) {
        await deps.slack.client.chat.delete({ channel: previous.channelId, ts: previous.ts }).catch((err: unknown) => {
          deps.logger.warn({ err, key }, 'could not delete the previous copy of a sign-off card');
        });
      }
    });
    await supersedeOlderCards(plan, cp, run.id, run.number);
    await deps.store.audit.append({
      actor: input.userId,
      action: AUDIT.signoffCardPosted,
      planId: plan.id,
      checkpointId: cp.id,
      runId: run.id,
      details: { runNumber: run.number, decision: state.evidence.label, channel: input.channelId },
    });
    if (state.evidence.kind === 'nogo' || state.evidence.kind === 'conditional') {
      await postOutcomeNotice(deps, run.id, input.channelId);
    }
    // A gate may already be complete (e.g. sign-offs given before the card was re-posted).
    await announceGateIfOpen(deps, plan.id, cp.id, input.userId, input.channelId);
    return ephemeral(`Posted the sign-off card for ${cp.id} run #${run.number} (${state.evidence.label}).`);
  }

  /** Update the latest run's card in place (no-op when none was posted). */
  async function refresh(planId: string, checkpointId: string): Promise<void> {
    const plan = deps.plans.get(planId);
    const cp = plan && findCheckpoint(plan, checkpointId);
    if (!plan || !cp) return;
    const latest = await deps.store.runs.latest(plan.id, cp.id);
    if (!latest) return;
    const key = signoffCardKey(plan.id, cp.id, latest.id);
    await serialise(key, async () => {
      const card = await deps.store.messages.get(key);
      if (!card?.ts) return;
      const state = await loadCheckpointState(deps, plan, cp);
      if (!state || state.run.id !== latest.id) return;
      await deps.slack.update(card.channelId, card.ts, signoffCardView({ ...state, now: deps.clock.now() }));
    });
    await supersedeOlderCards(plan, cp, latest.id, latest.number);
  }

  /** Cards of older runs lose their buttons and point at the newest run. */
  async function supersedeOlderCards(plan: Plan, cp: Checkpoint, latestRunId: number, latestNumber: number): Promise<void> {
    const { rows } = await deps.store.pool.query(
      `SELECT m.key, m.channel_id, m.ts, r.number FROM posted_messages m
         JOIN runs r ON m.key = 'signoff:' || r.plan_id || ':' || r.checkpoint_id || ':' || r.id
        WHERE r.plan_id = $1 AND r.checkpoint_id = $2 AND r.id < $3 AND m.kind = $4 AND m.ts IS NOT NULL`,
      [plan.id, cp.id, latestRunId, CARD_KIND],
    );
    for (const row of rows) {
      try {
        await deps.slack.update(row.channel_id, row.ts, supersededCardView({ plan, checkpoint: cp, runNumber: Number(row.number), latestNumber }));
        await deps.store.pool.query(`UPDATE posted_messages SET kind = $2, updated_at = now() WHERE key = $1`, [row.key, SUPERSEDED_KIND]);
      } catch (err) {
        deps.logger.warn({ err, key: row.key }, 'could not mark an old sign-off card as superseded');
      }
    }
  }

  return { post, refresh };
}

export type SignoffCards = ReturnType<typeof createSignoffCards>;
