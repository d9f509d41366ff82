import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { RoleResolver } from '../permissions.js';
import type { PlanRegistry } from '../plan-registry.js';
import type { SlackPoster } from '../slack/poster.js';
import type { Store } from '../store/index.js';
import type { DocumentsReadyHook } from './documents.js';

/** What the sign-off feature needs; `signoffDepsOf(core, poster)` builds it from the process's Core. */
export interface SignoffDeps {
  store: Store;
  plans: PlanRegistry;
  roles: RoleResolver;
  clock: Clock;
  logger: Logger;
  slack: SlackPoster;
  /** GOLIVE_CHANNEL: where announcements go when no card tells which channel the team uses. */
  defaultChannel?: string | undefined;
  documentsReady?: DocumentsReadyHook | undefined;
}

export function signoffDepsOf(
  core: { store: Store; plans: PlanRegistry; roles: RoleResolver; clock: Clock; logger: Logger; config: { channel?: string | undefined } },
  slack: SlackPoster,
  extra: { documentsReady?: DocumentsReadyHook } = {},
): SignoffDeps {
  return {
    store: core.store,
    plans: core.plans,
    roles: core.roles,
    clock: core.clock,
    logger: core.logger,
    slack,
    defaultChannel: core.config.channel,
    documentsReady: extra.documentsReady,
  };
}

/** posted_messages key of a run's sign-off card. */
export function signoffCardKey(planId: string, checkpointId: string, runId: number): string {
  return `signoff:${planId}:${checkpointId}:${runId}`;
}

/** posted_messages key of a run's NO-GO / CONDITIONAL notice. */
export function outcomeNoticeKey(planId: string, checkpointId: string, runId: number): string {
  return `outcome:${planId}:${checkpointId}:${runId}`;
}

/** `/golive cp2 run`, or `/golive opt1 cp2 run` when several plans are loaded. */
export function commandHint(plans: PlanRegistry, planId: string, rest: string): string {
  return `\`/golive ${plans.list().length > 1 ? `${planId} ` : ''}${rest}\``;
}
