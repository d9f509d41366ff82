import { cutoverLiveView, type CutoverLiveView } from '../slack/views/cutover.js';
import type { CutoverRecord } from '../store/cutovers.js';
import { channelOf, cutoverMessageKey, type CutoverDeps } from './deps.js';

export interface LiveMessage {
  view: CutoverLiveView;
  /** Redraw soon; draws never overlap and the newest state always wins. Resolves once drawn. */
  refresh(): Promise<void>;
}

/**
 * The cutover's one live message (posted once, then updated in place through
 * posted_messages, so a resumed cutover keeps updating the same message).
 * A failed update is logged, never fatal: Slack being slow must not stop a
 * migration.
 */
export function createLiveMessage(deps: CutoverDeps, cutover: CutoverRecord, view: CutoverLiveView): LiveMessage {
  const channel = channelOf(deps, cutover.channelId);
  let drawing: Promise<void> | undefined;
  let again = false;

  const drawOnce = async () => {
    if (!channel) return;
    view.now = deps.clock.now();
    try {
      const ts = await deps.slack.upsert(cutoverMessageKey(cutover.id), 'cutover', channel, cutoverLiveView(view));
      if (cutover.messageTs !== ts) {
        cutover.messageTs = ts;
        await deps.store.cutovers.setMessage(cutover.id, channel, ts);
      }
    } catch (err) {
      deps.logger.warn({ err, cutoverId: cutover.id }, 'could not update the cutover message');
    }
  };

  const loop = async () => {
    do {
      again = false;
      await drawOnce();
    } while (again);
    drawing = undefined;
  };

  return {
    view,
    refresh() {
      if (drawing) {
        again = true;
        return drawing;
      }
      drawing = loop();
      return drawing;
    },
  };
}
