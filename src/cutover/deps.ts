import type { Core } from '../app/core.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { RoleResolver } from '../permissions.js';
import type { PlanRegistry } from '../plan-registry.js';
import type { Queues } from '../queue/queues.js';
import type { SlackMessage } from '../slack/poster.js';
import { createStepRunner, type StepRunner } from '../step-runner/index.js';
import type { Store } from '../store/index.js';

/** What the cutover needs from Slack: post, update, and upsert by key (one live message). */
export interface CutoverPoster {
  post(channelId: string, message: SlackMessage): Promise<string>;
  update(channelId: string, ts: string, message: SlackMessage): Promise<void>;
  upsert(key: string, kind: string, channelId: string, message: SlackMessage): Promise<string>;
  ephemeral(channelId: string, userId: string, message: SlackMessage): Promise<void>;
}

/**
 * Real-time intervals (never the injected clock: they pace a live process).
 * Plan time (budgets, thresholds, the progress interval) is read from the clock.
 */
export interface CutoverTiming {
  /** How often the monitor looks at the clock, the abort flag and the thresholds. */
  tickMs: number;
  /** How often a running cutover stamps its row. */
  heartbeatMs: number;
  /** No heartbeat for this long: the worker running it is gone. */
  staleAfterMs: number;
  /** How often a waiting manual item is looked up. */
  itemPollMs: number;
}

export const DEFAULT_TIMING: CutoverTiming = { tickMs: 500, heartbeatMs: 5_000, staleAfterMs: 30_000, itemPollMs: 300 };

export interface CutoverDeps {
  plans: PlanRegistry;
  store: Store;
  roles: RoleResolver;
  queues: Pick<Queues, 'enqueue'>;
  slack: CutoverPoster;
  clock: Clock;
  logger: Logger;
  config: Pick<Config, 'webUrl' | 'readVariable' | 'channel'>;
  runner: StepRunner;
  timing: CutoverTiming;
}

export function cutoverDepsOf(core: Core, slack: CutoverPoster, timing: Partial<CutoverTiming> = {}): CutoverDeps {
  return {
    plans: core.plans,
    store: core.store,
    roles: core.roles,
    queues: core.queues,
    slack,
    clock: core.clock,
    logger: core.logger.child({ feature: 'cutover' }),
    config: core.config,
    runner: createStepRunner({ statePool: core.store.pool, logger: core.logger, clock: core.clock }),
    timing: { ...DEFAULT_TIMING, ...timing },
  };
}

/** posted_messages keys. */
export const cutoverMessageKey = (id: number) => `cutover-${id}`;
export const confirmCardKey = (id: number) => `cutover-${id}-confirm`;
export const thresholdKey = (id: number, action: string) => `cutover-${id}-threshold-${action}`;
export const interruptedKey = (id: number, executionId: number | string) => `cutover-${id}-interrupted-${executionId}`;
export const summaryKey = (id: number) => `cutover-${id}-summary`;
export const announceKey = (id: number, phase: string, index: number) => `cutover-${id}-announce-${phase}-${index}`;

/** The channel the team works in: the cutover's own, else GOLIVE_CHANNEL. */
export function channelOf(deps: Pick<CutoverDeps, 'config'>, channelId: string | null | undefined): string | undefined {
  return channelId ?? deps.config.channel;
}
