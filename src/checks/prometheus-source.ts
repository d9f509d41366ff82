import type { Plan } from '../plan/schema.js';
import type { PrometheusSource } from './prometheus-client.js';
import type { CheckContext, RawOutcome } from './types.js';

/**
 * Where a check finds Prometheus. The plan names the variables (plan
 * `prometheus.url_var`, default GOLIVE_PROMETHEUS_URL; `token_var`, default
 * GOLIVE_PROMETHEUS_TOKEN); the values live only in the worker's environment.
 *
 * Without a URL there is no metrics source: the check does not fail, it falls
 * back to a person. It reports `pending` (as a manual check does), so the run
 * card offers Attest to the infrastructure role and the checkpoint waits for it.
 */

export const DEFAULT_URL_VAR = 'GOLIVE_PROMETHEUS_URL';
export const DEFAULT_TOKEN_VAR = 'GOLIVE_PROMETHEUS_TOKEN';

export type SourceResolution = { source: PrometheusSource; shownVar: string } | { outcome: RawOutcome };

export function resolvePrometheusSource(ctx: Pick<CheckContext, 'plan' | 'readVariable'>, what: Record<string, unknown>): SourceResolution {
  const urlVar = ctx.plan.prometheus?.url_var ?? DEFAULT_URL_VAR;
  const tokenVar = ctx.plan.prometheus?.token_var ?? DEFAULT_TOKEN_VAR;
  const url = ctx.readVariable(urlVar);
  if (url === undefined) return { outcome: manualFallback(ctx.plan, `no metrics source configured (${urlVar} is not set)`, { ...what, metrics_source: 'none' }) };
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    protocol = '';
  }
  if (protocol !== 'http:' && protocol !== 'https:') {
    return {
      outcome: {
        status: 'error',
        observed: {},
        evidence: { ...what, url_var: urlVar },
        message: `${urlVar} is not an http(s) URL; set it to the Prometheus base URL, e.g. http://prometheus:9090`,
      },
    };
  }
  return { source: { url, token: ctx.readVariable(tokenVar) }, shownVar: urlVar };
}

/** The role that attests host and application figures by hand: the plan's infrastructure role when it has one. */
export function infrastructureRole(plan: Pick<Plan, 'roles'>): { id: string; title: string } | undefined {
  const roles = Object.entries(plan.roles ?? {});
  const found = roles.find(([id]) => id === 'infrastructure') ?? roles.find(([id, r]) => /infra/i.test(id) || /infra/i.test(r.title));
  return found ? { id: found[0], title: found[1].title } : undefined;
}

/** A figure no source can give: pending, for a person of the infrastructure role to attest; `reason` says why, plainly. */
export function manualFallback(plan: Pick<Plan, 'roles'>, reason: string, what: Record<string, unknown>): RawOutcome {
  const role = infrastructureRole(plan);
  const who = role ? `${role.title} (role ${role.id})` : 'the infrastructure team';
  return {
    status: 'pending',
    observed: {},
    evidence: { ...what, fallback: 'manual attestation', ...(role ? { attest_role: role.id } : {}) },
    message: `${reason}: ${who} checks this figure on the host and attests it by hand`,
  };
}
