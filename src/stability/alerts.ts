import { AUDIT } from '../audit/actions.js';
import type { Clock } from '../clock.js';
import { describeError } from '../errors.js';
import { mentionRoles, rolesFor, severityAtLevel } from '../incidents/escalation.js';
import type { Logger } from '../logger.js';
import type { RoleResolver } from '../permissions.js';
import type { PlanRegistry } from '../plan-registry.js';
import { formatLocal } from '../plan/time.js';
import type { SlackPoster } from '../slack/poster.js';
import { alertView, recoveryView, type AlertViewInput } from '../slack/views/alert.js';
import type { AlertRecord } from '../store/alerts.js';
import type { Store } from '../store/index.js';
import type { AlertVerdict } from './alert-rules.js';

/**
 * Turns verdicts into alert state and posts: an alert opens (and is posted,
 * mentioning its severity's escalation roles) only if none is open for that
 * metric; it clears (the alert updated, a recovery message posted) only if
 * one is. The state DB decides "once", so two workers, a re-delivered tick
 * or a breach that lasts an hour post one alert and one recovery.
 */

export interface AlertNotifierDeps {
  store: Pick<Store, 'alerts' | 'audit' | 'messages'>;
  plans: PlanRegistry;
  roles: Pick<RoleResolver, 'holdersOf'>;
  slack: Pick<SlackPoster, 'upsert'>;
  clock: Clock;
  logger: Logger;
  channelFor(planId: string): Promise<string | undefined>;
}

export function createAlertNotifier(deps: AlertNotifierDeps) {
  async function post(key: string, planId: string, message: { text: string; blocks: unknown[] }): Promise<void> {
    const channel = await deps.channelFor(planId);
    if (!channel) {
      deps.logger.warn({ planId, key }, 'alert not posted: GOLIVE_CHANNEL is not set and the plan has no run channel yet');
      return;
    }
    try {
      await deps.slack.upsert(key, 'alert', channel, message);
    } catch (err) {
      deps.logger.error({ err, key }, `could not post an alert: ${describeError(err)}`);
    }
  }

  function viewInput(alert: AlertRecord, detail: string): AlertViewInput {
    const plan = deps.plans.require(alert.planId);
    const level = Number(/\d+/.exec(alert.severity)?.[0] ?? 3);
    const severity = plan.incidents.severities.find((s) => s.name === alert.severity) ?? severityAtLevel(plan, level);
    return {
      planId: plan.id,
      environment: alert.environment,
      metric: alert.metric,
      severityName: severity.name,
      severityDescription: severity.description,
      detail,
      mentions: mentionRoles(plan, rolesFor(plan, severity), deps.roles),
      openedLabel: formatLocal(alert.openedAt, plan.time_zone, true),
    };
  }

  return {
    async apply(input: { planId: string; environment: string; verdicts: AlertVerdict[]; at: Date }): Promise<{ opened: AlertRecord[]; cleared: AlertRecord[] }> {
      const plan = deps.plans.require(input.planId);
      const opened: AlertRecord[] = [];
      const cleared: AlertRecord[] = [];
      for (const v of input.verdicts) {
        if (v.breached === true) {
          const severity = severityAtLevel(plan, v.level);
          const alert = await deps.store.alerts.open({ planId: plan.id, environment: input.environment, metric: v.metric, severity: severity.name, detail: v.detail, value: v.value, now: input.at });
          if (!alert) continue;
          opened.push(alert);
          await deps.store.audit.append({ actor: 'golive', action: AUDIT.alertOpened, planId: plan.id, details: { alert: alert.id, metric: v.metric, severity: severity.name, environment: input.environment, detail: v.detail } });
          await post(`alert:${alert.id}`, plan.id, alertView(viewInput(alert, v.detail)));
        } else if (v.breached === false) {
          const alert = await deps.store.alerts.clear({ planId: plan.id, environment: input.environment, metric: v.metric, value: v.value, now: input.at });
          if (!alert) continue;
          cleared.push(alert);
          await deps.store.audit.append({ actor: 'golive', action: AUDIT.alertCleared, planId: plan.id, details: { alert: alert.id, metric: v.metric, environment: input.environment, detail: v.detail } });
          const base = viewInput(alert, alert.detail);
          const clearedInfo = { label: formatLocal(input.at, plan.time_zone, true), afterMs: Math.max(0, input.at.getTime() - alert.openedAt.getTime()), detail: v.detail };
          await post(`alert:${alert.id}`, plan.id, alertView({ ...base, cleared: clearedInfo }));
          await post(`alert:${alert.id}:recovery`, plan.id, recoveryView({ ...base, cleared: clearedInfo }));
        }
      }
      return { opened, cleared };
    },
  };
}

export type AlertNotifier = ReturnType<typeof createAlertNotifier>;
