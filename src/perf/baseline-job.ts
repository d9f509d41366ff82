import path from 'node:path';
import { AUDIT } from '../audit/actions.js';
import type { Clock } from '../clock.js';
import { describeError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { PlanRegistry } from '../plan-registry.js';
import { formatLocal } from '../plan/time.js';
import type { JobPayload } from '../queue/payloads.js';
import type { SlackPoster } from '../slack/poster.js';
import { baselineCapturedView, baselineFailedView } from '../slack/views/baseline.js';
import type { AuditStore } from '../store/audit.js';
import type { BaselineStore } from '../store/baselines.js';
import { captureBaseline } from './baseline-capture.js';

export interface BaselineJobDeps {
  plans: PlanRegistry;
  store: { baselines: BaselineStore; audit: AuditStore };
  slack: SlackPoster;
  clock: Clock;
  logger: Logger;
}

/**
 * The worker's half of `/golive baseline capture ENV [replace]`: time the
 * plan's named queries on the environment, store them (refused without
 * `replace` when a baseline exists, even one stored since the command was
 * answered), audit it and post the result in the channel.
 */
export async function runBaselineCapture(deps: BaselineJobDeps, payload: JobPayload<'baseline-capture'>): Promise<{ status: 'captured' | 'refused' | 'failed' }> {
  const plan = deps.plans.require(payload.planId);
  const { environment, target } = payload;
  const postKey = `baseline-${payload.requestKey}`;
  const audit = (action: string, details: Record<string, unknown>) =>
    deps.store.audit.append({ actor: target.userId, action, planId: plan.id, details: { environment, replace: payload.replace, ...details } });

  const fail = async (reason: string) => {
    await audit(AUDIT.baselineFailed, { reason });
    await deps.slack.upsert(postKey, 'baseline', target.channelId, baselineFailedView({ planId: plan.id, environment, reason, requestedBy: target.userId }));
    return { status: 'failed' as const };
  };

  let result;
  try {
    const loaded = deps.plans.loaded(plan.id);
    result = await captureBaseline({
      plan,
      planDir: path.dirname(path.resolve(loaded?.file ?? '.')),
      environment,
      targetUrl: deps.plans.envUrl(plan.id, environment, 'read'),
      capturedBy: target.userId,
    });
  } catch (err) {
    deps.logger.warn({ err, environment }, 'baseline capture failed');
    return fail(`the queries could not be timed on ${environment}: ${describeError(err)}`);
  }

  const capturedAt = deps.clock.now();
  const stored = await deps.store.baselines.save(result.records, { replace: payload.replace, capturedAt });
  if (!stored) {
    await audit(AUDIT.baselineFailed, { reason: 'exists' });
    await deps.slack.ephemeral(target.channelId, target.userId, {
      text: `Not stored: ${environment} got a baseline while this one was being measured. To overwrite it: \`/golive baseline capture ${environment} replace\``,
    });
    return { status: 'refused' };
  }
  await audit(AUDIT.baselineCaptured, {
    server_version: result.serverVersion,
    queries: Object.fromEntries(result.records.map((r) => [r.queryId, { median_ms: r.medianMs, p95_ms: r.p95Ms, runs: r.samples.length }])),
  });
  const titles = Object.fromEntries(Object.entries(plan.queries).map(([id, q]) => [id, q.title]));
  await deps.slack.upsert(
    postKey,
    'baseline',
    target.channelId,
    baselineCapturedView({
      planId: plan.id,
      environment,
      records: result.records,
      titles,
      serverVersion: result.serverVersion,
      capturedBy: target.userId,
      timeLabel: formatLocal(capturedAt, plan.time_zone, true),
      replaced: payload.replace,
    }),
  );
  return { status: 'captured' };
}
