import { checkTypes, isCheckTypeId, type CheckTypeDef } from '../plan/check-types.js';
import { compareValue, describeComparison, pickMetric } from '../plan/expect.js';
import { allChecks, type Check, type Checkpoint, type Trigger, type TriggerCondition } from '../plan/schema.js';
import { formatInUnit } from '../plan/units.js';
import type { CheckResult, TriggerEvaluation } from './types.js';

/**
 * Fail triggers: a condition over the results of the checkpoint's checks,
 * each with its own bound ("Disco insuficiente (< 3 GB)" fires under 3 GB
 * while the check passes only above 3.5 GB). A check without a result or a
 * figure yet leaves its leaf unknown: not fired, but flagged.
 */

interface ConditionVerdict {
  fired: boolean;
  unknown: boolean;
  reasons: string[];
}

export interface TriggerContext {
  results: ReadonlyMap<string, CheckResult>;
  checks: ReadonlyMap<string, Check>;
  /**
   * Checks whose missing result counts as "did not fire" rather than
   * unknown: optional checks, which never hold a decision. A result they do
   * report still feeds the trigger.
   */
  settled?: ReadonlySet<string> | undefined;
}

export function evaluateCondition(cond: TriggerCondition, ctx: TriggerContext): ConditionVerdict {
  if ('any_of' in cond) {
    const parts = cond.any_of.map((c) => evaluateCondition(c, ctx));
    const fired = parts.filter((p) => p.fired);
    return { fired: fired.length > 0, unknown: fired.length === 0 && parts.some((p) => p.unknown), reasons: fired.flatMap((p) => p.reasons) };
  }
  if ('all_of' in cond) {
    const parts = cond.all_of.map((c) => evaluateCondition(c, ctx));
    const definitelyFalse = parts.some((p) => !p.fired && !p.unknown);
    const fired = parts.every((p) => p.fired);
    return { fired, unknown: !fired && !definitelyFalse, reasons: fired ? parts.flatMap((p) => p.reasons) : [] };
  }

  const result = ctx.results.get(cond.check);
  const settled = ctx.settled?.has(cond.check) ?? false;
  if (!result || result.status === 'pending' || result.status === 'skipped') return { fired: false, unknown: !settled, reasons: [] };

  if ('status' in cond) {
    const fired = cond.status.includes(result.status);
    const why = result.reason ? `: ${result.reason}` : '';
    return { fired, unknown: false, reasons: fired ? [`${cond.check} ${result.status}${why}`] : [] };
  }

  const check = ctx.checks.get(cond.check);
  const def = check && isCheckTypeId(check.type) ? (checkTypes[check.type] as CheckTypeDef) : undefined;
  const primary = def?.primary ?? 'value';
  const metric = cond.metric ?? primary;
  const actual = pickMetric(result.observed, metric, primary);
  const holds = compareValue(cond, actual);
  if (holds === undefined) return { fired: false, unknown: !settled, reasons: [] };
  if (!holds) return { fired: false, unknown: false, reasons: [] };
  const kind = def?.metrics[metric];
  const shown = typeof actual === 'number' ? formatInUnit(actual, cond.unit, kind) : JSON.stringify(actual);
  return { fired: true, unknown: false, reasons: [`${cond.check} ${metric} ${shown}, trigger ${describeComparison({ ...cond, metric: undefined }, kind)}`] };
}

export function evaluateTrigger(trigger: Trigger, ctx: TriggerContext): TriggerEvaluation {
  const v = evaluateCondition(trigger.condition, ctx);
  return { triggerId: trigger.id, title: trigger.title, source: trigger.source, ...v };
}

/** Every trigger of a checkpoint against a list of results (optional checks are settled). */
export function evaluateTriggers(cp: Checkpoint, results: readonly CheckResult[]): TriggerEvaluation[] {
  const checks = allChecks(cp);
  const ctx: TriggerContext = {
    results: new Map(results.map((r) => [r.checkId, r])),
    checks: new Map(checks.map((c) => [c.id, c])),
    settled: new Set(checks.filter((c) => c.optional).map((c) => c.id)),
  };
  return cp.triggers.map((t) => evaluateTrigger(t, ctx));
}
