import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { Core } from '../app/core.js';
import { createEngine } from '../engine/index.js';
import { describeError } from '../errors.js';
import type { SlackPoster } from '../slack/poster.js';
import { CUTOVER_ACTION } from '../slack/views/cutover-cards.js';
import { CUTOVER_ITEM_ACTION } from '../slack/views/cutover.js';
import { PRECHECK_ATTEST_ACTION } from '../slack/views/cutover-precheck.js';
import { withTimeout } from '../store/index.js';
import type { ThresholdAction } from '../store/cutovers.js';
import { cancelCutover, confirmCutover, confirmItem, decideInterrupted, decideThreshold, type ControlAnswer } from './control.js';
import { cutoverDepsFor } from './index.js';
import { redrawPrecheck } from './precutover.js';

type Click = { userId: string; value: string; triggerId: string };

/**
 * The cutover's buttons: confirm / cancel a start, continue / abort at a
 * threshold, confirm a manual item, resume / roll back an interrupted
 * cutover, attest a pre-cutover check. Values only name what to look up; who
 * may press is decided from the plan and the roles file, and the answer to
 * the clicker is one ephemeral sentence. A redelivered click is ignored.
 */
export function registerCutoverInteractions(app: App, deps: { core: Core; slack: SlackPoster }): void {
  const { core, slack } = deps;
  const cutover = () => cutoverDepsFor(core, slack);
  const engine = createEngine(core, slack);
  const log = core.logger.child({ feature: 'cutover-buttons' });

  const on = (actionId: string | RegExp, name: string, work: (click: Click) => Promise<ControlAnswer>) =>
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action }) => {
      const fresh = await withTimeout(core.store.deliveries.claim(`action-${body.trigger_id}`, 'interaction', body.user.id), 700, 'state DB did not answer').catch(() => true);
      await ack();
      if (!fresh) return;
      const channelId = body.channel?.id ?? body.container?.channel_id ?? core.config.channel ?? '';
      let answer: ControlAnswer;
      try {
        answer = await work({ userId: body.user.id, value: `${action.action_id}|${action.value ?? ''}`, triggerId: body.trigger_id });
      } catch (err) {
        log.error({ err, action: name }, 'cutover button failed');
        answer = { ok: false, text: `golive could not do that: ${describeError(err)}` };
      }
      core.metrics.interactions.inc({ action: name, outcome: answer.ok ? 'recorded' : 'refused' });
      if (channelId) await slack.ephemeral(channelId, body.user.id, { text: answer.text }).catch((err: unknown) => log.warn({ err }, 'could not answer a click'));
    });

  const valueOf = (click: Click) => click.value.slice(click.value.indexOf('|') + 1);
  const idOf = (text: string) => Number(text.split(':')[0]);

  on(CUTOVER_ACTION.confirm, 'cutover-confirm', (c) => confirmCutover(cutover(), { cutoverId: idOf(valueOf(c)), userId: c.userId }));
  on(CUTOVER_ACTION.cancel, 'cutover-cancel', (c) => cancelCutover(cutover(), { cutoverId: idOf(valueOf(c)), userId: c.userId }));
  for (const [actionId, choice] of [
    [CUTOVER_ACTION.thresholdContinue, 'continue'],
    [CUTOVER_ACTION.thresholdAbort, 'abort'],
  ] as const) {
    on(actionId, `cutover-threshold-${choice}`, (c) => {
      const [id, action] = valueOf(c).split(':');
      return decideThreshold(cutover(), { cutoverId: Number(id), action: action as ThresholdAction, choice, userId: c.userId });
    });
  }
  on(CUTOVER_ACTION.resume, 'cutover-resume', (c) => {
    const [id, step] = valueOf(c).split(':');
    return decideInterrupted(cutover(), { cutoverId: Number(id), choice: 'resume', fromStep: step || undefined, userId: c.userId, triggerId: c.triggerId });
  });
  on(CUTOVER_ACTION.rollback, 'cutover-rollback', (c) => decideInterrupted(cutover(), { cutoverId: idOf(valueOf(c)), choice: 'rollback', userId: c.userId, triggerId: c.triggerId }));
  on(new RegExp(`^${CUTOVER_ITEM_ACTION}`), 'cutover-item', (c) => {
    const [id, phase, index] = valueOf(c).split(':');
    return confirmItem(cutover(), { cutoverId: Number(id), phase: phase ?? '', index: Number(index), userId: c.userId });
  });
  on(new RegExp(`^${PRECHECK_ATTEST_ACTION}`), 'precutover-attest', async (c) => {
    const match = /^(\d+):(.+)$/.exec(valueOf(c));
    if (!match) return { ok: false, text: 'This button is not from a golive pre-cutover checklist.' };
    const runId = Number(match[1]);
    const result = await engine.attest({ runId, checkId: match[2]!, userId: c.userId });
    if (result.ok) await redrawPrecheck(cutover(), runId).catch((err: unknown) => log.warn({ err }, 'could not redraw the pre-cutover checklist'));
    return { ok: result.ok, text: result.ok ? result.message : `Not recorded: ${result.message}` };
  });
}
