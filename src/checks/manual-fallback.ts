import type { Plan } from '../plan/schema.js';
import type { RawOutcome } from './types.js';

/**
 * A figure no configured source can give (no Prometheus, a host whose
 * interfaces report no link speed) does not fail its check: a person of the
 * infrastructure role reads it and attests it. The check reports `pending`,
 * as a manual check does, with the reason in plain words and
 * `evidence.fallback` set, so the run card can offer Attest for it and the
 * checkpoint waits for that attestation like any manual check.
 */

export const MANUAL_FALLBACK = 'manual attestation';

export function manualFallback(plan: Pick<Plan, 'roles'>, reason: string, what: Record<string, unknown>): RawOutcome {
  const role = infrastructureRole(plan);
  const who = role ? `${role.title} (role ${role.id})` : 'the infrastructure team';
  return {
    status: 'pending',
    observed: {},
    evidence: { ...what, fallback: MANUAL_FALLBACK, ...(role ? { attest_role: role.id } : {}) },
    message: `${reason}: ${who} checks this figure and attests it by hand`,
  };
}

/** Whether a stored result is such a fallback, waiting for a person (for the run card and the Attest action). */
export function isManualFallback(result: { status: string; evidence?: unknown } | undefined): boolean {
  if (!result || result.status !== 'pending') return false;
  const evidence = result.evidence;
  return typeof evidence === 'object' && evidence !== null && (evidence as { fallback?: unknown }).fallback === MANUAL_FALLBACK;
}

/** The role that attests host and application figures by hand: the plan's infrastructure role when it has one. */
export function infrastructureRole(plan: Pick<Plan, 'roles'>): { id: string; title: string } | undefined {
  const roles = Object.entries(plan.roles ?? {});
  const found = roles.find(([id]) => id === 'infrastructure') ?? roles.find(([id, r]) => /infra/i.test(id) || /infra/i.test(r.title));
  return found ? { id: found[0], title: found[1].title } : undefined;
}
