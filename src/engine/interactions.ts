import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { Core } from '../app/core.js';
import { describeError } from '../errors.js';
import type { SlackPoster } from '../slack/poster.js';
import { ATTEST_ACTION_PREFIX } from '../slack/views/run-card.js';
import { createEngine } from './index.js';

const ATTEST_ACTION = new RegExp(`^${ATTEST_ACTION_PREFIX}`);

/**
 * The run card's buttons. The button's value only names the run and check;
 * who may attest is decided from the plan and the roles file, and the answer
 * to the clicker alone is ephemeral.
 */
export function registerRunInteractions(app: App, deps: { core: Core; slack: SlackPoster }): void {
  const engine = createEngine(deps.core, deps.slack);
  app.action<BlockAction<ButtonAction>>(ATTEST_ACTION, async ({ ack, action, body, respond }) => {
    await ack();
    const log = deps.core.logger.child({ action: action.action_id, user: body.user.id });
    const match = /^(\d+):(.+)$/.exec(action.value ?? '');
    const reply = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text }).catch((err: unknown) => log.warn({ err }, 'could not answer the click'));
    if (!match) {
      await reply('This button is not from a golive run card.');
      return;
    }
    try {
      const result = await engine.attest({ runId: Number(match[1]), checkId: match[2]!, userId: body.user.id });
      deps.core.metrics.interactions.inc({ action: 'attest', outcome: result.ok ? 'recorded' : 'refused' });
      await reply(result.ok ? result.message : `Not recorded: ${result.message}`);
    } catch (err) {
      log.error({ err }, 'attestation failed');
      deps.core.metrics.interactions.inc({ action: 'attest', outcome: 'error' });
      await reply(`golive could not record that: ${describeError(err)}`);
    }
  });
}
