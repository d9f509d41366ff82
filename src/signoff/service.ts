import type { CommandReply } from '../../commands/types.js';
import { announceGateIfOpen } from './announce.js';
import { createSignoffCards } from './cards.js';
import { signoffCardKey, type SignoffDeps } from './deps.js';
import { openMitigationsClick, submitMitigations } from './mitigations.js';
import { postOutcomeNotice } from './outcome-notice.js';
import { signClick, withdrawClick, type ClickAnswer } from './sign.js';
import type { GateVerdict } from './gate.js';

/**
 * The sign-off feature as one object, built once per process (the card
 * refreshes of a process are serialised through it):
 *  - postCard: `/golive cpN signoff`
 *  - sign / withdraw / openMitigations / submitMitigations: the buttons and the modal
 *  - refresh(planId, cpId): after anything that changes what the card shows
 *    (the run engine calls it after an attestation or a re-decision); it also
 *    checks the gate and announces the next checkpoint once when it opens
 *  - postOutcomeNotice(runId, channelId): NO-GO / HOLD / DELAY / CONDITIONAL follow-up
 */
export function createSignoffService(deps: SignoffDeps) {
  const cards = createSignoffCards(deps);

  async function refresh(planId: string, checkpointId: string, actor = 'golive', channelHint?: string): Promise<GateVerdict | undefined> {
    try {
      await cards.refresh(planId, checkpointId);
    } catch (err) {
      deps.logger.warn({ err, planId, checkpointId }, 'could not update the sign-off card');
    }
    return announceGateIfOpen(deps, planId, checkpointId, actor, channelHint);
  }

  async function afterClick(answer: ClickAnswer, actor: string, channelId: string): Promise<ClickAnswer> {
    if (answer.changed) await refresh(answer.changed.planId, answer.changed.checkpointId, actor, channelId);
    return answer;
  }

  return {
    postCard: (input: { planId: string; checkpointId: string; channelId: string; userId: string }): Promise<CommandReply> => cards.post(input),
    refresh,
    sign: async (input: { userId: string; channelId: string; value: string | undefined }) => afterClick(await signClick(deps, input.userId, input.value), input.userId, input.channelId),
    withdraw: async (input: { userId: string; channelId: string; value: string | undefined }) =>
      afterClick(await withdrawClick(deps, input.userId, input.value), input.userId, input.channelId),
    openMitigations: (input: { userId: string; channelId: string; triggerId: string; value: string | undefined }) => openMitigationsClick(deps, input),
    /** Validate and store; `after` posts the confirmation and refreshes the card (call it after the ack). */
    async submitMitigations(input: Parameters<typeof submitMitigations>[1]) {
      const result = await submitMitigations(deps, input);
      if ('errors' in result) return { errors: result.errors, after: async () => {} };
      return {
        errors: undefined,
        after: async () => {
          const latest = await deps.store.runs.latest(result.planId, result.checkpointId);
          const card = latest && (await deps.store.messages.get(signoffCardKey(result.planId, result.checkpointId, latest.id)));
          const channel = card?.channelId ?? result.channelId ?? deps.defaultChannel;
          if (channel) await deps.slack.post(channel, result.announcement);
          await refresh(result.planId, result.checkpointId, input.userId, channel);
        },
      };
    },
    postOutcomeNotice: (runId: number, channelId: string) => postOutcomeNotice(deps, runId, channelId),
  };
}

export type SignoffService = ReturnType<typeof createSignoffService>;

/** One service per process and poster: commands and button handlers share its card queue. */
const services = new WeakMap<object, SignoffService>();
export function signoffServiceFor(key: object, build: () => SignoffDeps): SignoffService {
  let service = services.get(key);
  if (!service) {
    service = createSignoffService(build());
    services.set(key, service);
  }
  return service;
}
