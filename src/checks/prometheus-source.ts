import type { PrometheusSource } from './prometheus-client.js';
import { manualFallback } from './manual-fallback.js';
import type { CheckContext, RawOutcome } from './types.js';

/**
 * Where a check finds Prometheus. The plan names the variables (plan
 * `prometheus.url_var`, default GOLIVE_PROMETHEUS_URL; `token_var`, default
 * GOLIVE_PROMETHEUS_TOKEN); the values live only in the worker's environment.
 *
 * Without a URL there is no metrics source: the check does not fail, it falls
 * back to a person (manual-fallback.ts).
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
