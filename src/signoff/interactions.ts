import type { App, BlockAction, ButtonAction, ViewSubmitAction } from '@slack/bolt';
import { describeError } from '../errors.js';
import type { Logger } from '../logger.js';
import { SIGNOFF_ACTION } from '../slack/views/signoff-card.js';
import { MITIGATIONS_CALLBACK_ID } from '../slack/views/mitigations-modal.js';
import { withTimeout } from '../store/index.js';
import type { SignoffDeps } from './deps.js';
import type { SignoffService } from './service.js';

/**
 * Bolt handlers for the sign-off card's buttons and the mitigations modal.
 * Every click is acked at once; a redelivery of the same interaction (same
 * trigger_id, e.g. a Slack retry) is recognised in the state DB and ignored.
 * Whatever the outcome, the clicker gets one ephemeral sentence.
 */
export function registerSignoffInteractions(app: App, deps: SignoffDeps, service: SignoffService): void {
  const log = deps.logger.child({ feature: 'signoff' });

  const click = (name: string, work: (input: { userId: string; channelId: string; value: string | undefined; triggerId: string }) => Promise<{ text: string } | undefined>) =>
    async ({ ack, body, action }: { ack: () => Promise<void>; body: BlockAction; action: ButtonAction }) => {
      const fresh = await claim(deps, `action-${body.trigger_id}`, body.user.id, log);
      await ack();
      if (!fresh) {
        log.info({ trigger: body.trigger_id, action: name }, 'duplicate interaction ignored');
        return;
      }
      const channelId = body.channel?.id ?? body.container?.channel_id ?? deps.defaultChannel ?? '';
      let answer: { text: string } | undefined;
      try {
        answer = await work({ userId: body.user.id, channelId, value: action.value, triggerId: body.trigger_id });
      } catch (err) {
        log.error({ err, action: name }, 'sign-off click failed');
        answer = { text: `golive could not do that: ${describeError(err)}` };
      }
      if (answer && channelId) {
        await deps.slack.ephemeral(channelId, body.user.id, { text: answer.text }).catch((err: unknown) => log.warn({ err }, 'could not answer a click'));
      }
    };

  app.action<BlockAction<ButtonAction>>(new RegExp(`^${SIGNOFF_ACTION.sign}`), click('sign', (i) => service.sign(i)));
  app.action<BlockAction<ButtonAction>>(new RegExp(`^${SIGNOFF_ACTION.withdraw}`), click('withdraw', (i) => service.withdraw(i)));
  app.action<BlockAction<ButtonAction>>(SIGNOFF_ACTION.mitigations, click('mitigations', (i) => service.openMitigations(i)));

  app.view<ViewSubmitAction>(MITIGATIONS_CALLBACK_ID, async ({ ack, body, view }) => {
    const firstBlockId = String(
      (view.blocks as { type: string; block_id?: string }[]).find((b) => b.type === 'input')?.block_id ?? 'mit_intro',
    );
    let result: Awaited<ReturnType<SignoffService['submitMitigations']>>;
    try {
      result = await service.submitMitigations({
        userId: body.user.id,
        privateMetadata: view.private_metadata,
        values: view.state.values as never,
        firstBlockId,
      });
    } catch (err) {
      log.error({ err }, 'mitigations submission failed');
      await ack({ response_action: 'errors', errors: { [firstBlockId]: `golive could not save this: ${describeError(err)}`.slice(0, 300) } });
      return;
    }
    if (result.errors) {
      await ack({ response_action: 'errors', errors: result.errors });
      return;
    }
    await ack();
    await result.after().catch((err: unknown) => log.error({ err }, 'after recording mitigations'));
  });
}

async function claim(deps: SignoffDeps, key: string, userId: string, log: Logger): Promise<boolean> {
  try {
    return await withTimeout(deps.store.deliveries.claim(key, 'interaction', userId), 700, 'state DB did not answer');
  } catch (err) {
    // Nothing to dedupe against; the unique index still keeps one sign-off per role.
    log.warn({ err }, 'could not record the interaction delivery');
    return true;
  }
}
