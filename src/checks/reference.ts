import type { Target } from './read-only.js';
import type { CheckContext } from './types.js';

/**
 * The other side of a cross-environment comparison (staging against shadow).
 * The engine gives checks a resolver for the plan's environments; without one
 * (a hand-built context) the environment's URL variable is read directly.
 */
export function referenceEnvironment(
  ctx: Pick<CheckContext, 'plan' | 'environment' | 'targetUrl' | 'environmentUrl' | 'readVariable'>,
  environment: string,
): Target | { problem: string } {
  if (environment === ctx.environment) return { environment, url: ctx.targetUrl };
  const declared = ctx.plan.environments[environment];
  if (!declared) {
    return { problem: `the plan has no environment "${environment}" (it has ${Object.keys(ctx.plan.environments).join(', ')})` };
  }
  const url = ctx.environmentUrl?.(environment) ?? ctx.readVariable(declared.url_var);
  if (!url) return { problem: `environment "${environment}" has no URL here: set ${declared.url_var}` };
  return { environment, url };
}
