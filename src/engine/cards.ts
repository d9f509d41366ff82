import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { PlanRegistry } from '../plan-registry.js';
import type { Queues } from '../queue/queues.js';
import type { SlackPoster } from '../slack/poster.js';
import { runCardView } from '../slack/views/run-card.js';
import type { Store } from '../store/index.js';
import { withRunLock } from './run-lock.js';
import { loadRunState } from './run-state.js';

export interface RunCards {
  /** Post the card of a new run in the channel and remember its ts. */
  post(runId: number, channelId: string): Promise<string | undefined>;
  /** Redraw the card from the state DB (under the run's card lock: the newest state always wins). */
  refresh(runId: number): Promise<void>;
}

export function runCardKey(runId: number): string {
  return `run-card-${runId}`;
}

export function createRunCards(deps: { store: Store; plans: PlanRegistry; slack: SlackPoster; clock: Clock; logger: Logger }): RunCards {
  const { store, slack } = deps;
  return {
    async post(runId, channelId) {
      const state = await loadRunState(deps, runId);
      if (!state) return undefined;
      const view = runCardView(state, deps.clock.now());
      // upsert: a command delivered twice finds the card it already posted.
      const ts = await slack.upsert(runCardKey(runId), 'run-card', channelId, view);
      await store.runs.setMessage(runId, channelId, ts);
      return ts;
    },
    async refresh(runId) {
      await withRunLock(store.pool, 'card', runId, async () => {
        const state = await loadRunState(deps, runId);
        if (!state?.run.channelId) return;
        const view = runCardView(state, deps.clock.now());
        if (state.run.messageTs) {
          await slack.update(state.run.channelId, state.run.messageTs, view).catch((err: unknown) => {
            // A deleted card is not worth failing a job for; the next decision is in the state DB anyway.
            deps.logger.warn({ err, runId }, 'could not update the run card');
          });
        } else {
          const ts = await slack.upsert(runCardKey(runId), 'run-card', state.run.channelId, view);
          await store.runs.setMessage(runId, state.run.channelId, ts);
        }
      });
    },
  };
}

/** How long check results are batched before the card is redrawn. */
export const CARD_REFRESH_DELAY_MS = 1_000;

/**
 * Ask for a redraw soon. Deduplicated per run: while one redraw waits, more
 * requests add nothing; while one runs, exactly one more is kept for after it.
 * So a burst of 20 finished checks costs a couple of chat.update calls, and the
 * last state is always drawn.
 */
export async function scheduleCardRefresh(queues: Queues, runId: number): Promise<void> {
  await queues.enqueue(
    'refresh-run-card',
    { runId },
    {
      jobId: `card-${runId}-${Date.now()}-${randomBytes(3).toString('hex')}`,
      delay: CARD_REFRESH_DELAY_MS,
      attempts: 2,
      removeOnComplete: true,
      removeOnFail: { count: 100 },
      deduplication: { id: `card-${runId}`, keepLastIfActive: true },
    },
  );
}
