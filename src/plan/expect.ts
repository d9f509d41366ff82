import { z } from 'zod';
import { formatInUnit, toBaseUnits, UNIT_NAMES, type MetricKind, type Unit } from './units.js';

/**
 * An expectation: what a check's observed figure must satisfy.
 *   { op: '<', value: 50, unit: ms }                       the check's primary figure
 *   { metric: p99_ms, op: '<', value: 2000, unit: ms }    a named figure of the check
 *   { op: between, value: 45, max: 280, unit: MB }         inclusive band
 *   { metric: avg_pct, op: '>=', value: 30, advisory: true }  reported, never fails
 * A check may list several; all non-advisory ones must hold.
 */

export const COMPARISON_OPS = ['<', '<=', '>', '>=', '==', '!=', 'between'] as const;
export type ComparisonOp = (typeof COMPARISON_OPS)[number];

const ORDERING_OPS: readonly ComparisonOp[] = ['<', '<=', '>', '>=', 'between'];

export const metricNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, { error: 'expected a figure name in snake_case, like p99_ms' });

const comparisonShape = {
  metric: metricNameSchema.optional(),
  op: z.enum(COMPARISON_OPS, { error: `expected one of ${COMPARISON_OPS.join(' ')}` }),
  value: z.union([z.number(), z.boolean(), z.string()], { error: 'expected a number, true/false or a text' }),
  max: z.number({ error: 'expected a number' }).optional(),
  unit: z.enum(UNIT_NAMES as [Unit, ...Unit[]], { error: `expected a unit: ${UNIT_NAMES.join(' ')}` }).optional(),
};

/** Shared refinements: ordering needs numbers, between needs a max above value. */
function refineComparison(
  c: { op: ComparisonOp; value: number | boolean | string; max?: number | undefined; unit?: Unit | undefined },
  ctx: z.RefinementCtx,
): void {
  if (ORDERING_OPS.includes(c.op) && typeof c.value !== 'number') {
    ctx.addIssue({ code: 'custom', path: ['value'], message: `expected a number, got ${JSON.stringify(c.value)}` });
  }
  if (c.op === 'between') {
    if (c.max === undefined) ctx.addIssue({ code: 'custom', path: ['max'], message: 'op between needs max (value is the lower end)' });
    else if (typeof c.value === 'number' && c.max < c.value) {
      ctx.addIssue({ code: 'custom', path: ['max'], message: `max ${c.max} is below value ${c.value}` });
    }
  } else if (c.max !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['max'], message: 'max is only used with op between' });
  }
  if (c.unit !== undefined && typeof c.value !== 'number') {
    ctx.addIssue({ code: 'custom', path: ['unit'], message: 'a unit only goes with a numeric value' });
  }
}

export const expectationSchema = z
  .strictObject({ ...comparisonShape, advisory: z.boolean().optional() })
  .superRefine(refineComparison);

export type Expectation = z.output<typeof expectationSchema>;

/** Comparison with a check reference, used by fail-trigger conditions. */
export const comparisonShapeForTrigger = comparisonShape;
export { refineComparison };

export type ObservedScalar = number | boolean | string | null;
/** What a check observed: one figure, or named figures (its primary one among them). */
export type Observed = ObservedScalar | { [metric: string]: ObservedScalar };

/** The figure an expectation talks about; undefined when the check did not report it. */
export function pickMetric(observed: Observed | undefined, metric: string | undefined, primary: string): ObservedScalar | undefined {
  if (observed === undefined) return undefined;
  if (observed === null || typeof observed !== 'object') {
    // A scalar is the primary figure.
    return metric === undefined || metric === primary ? observed : undefined;
  }
  return observed[metric ?? primary];
}

export interface Comparable {
  op: ComparisonOp;
  value: number | boolean | string;
  max?: number | undefined;
  unit?: Unit | undefined;
}

/** True/false, or undefined when the figure cannot be compared (missing or of another type). */
export function compareValue(c: Comparable, actual: ObservedScalar | undefined): boolean | undefined {
  if (actual === undefined || actual === null) return undefined;
  if (typeof c.value === 'number') {
    if (typeof actual !== 'number' || Number.isNaN(actual)) return undefined;
    const v = toBaseUnits(c.value, c.unit);
    switch (c.op) {
      case '<':
        return actual < v;
      case '<=':
        return actual <= v;
      case '>':
        return actual > v;
      case '>=':
        return actual >= v;
      case '==':
        return actual === v;
      case '!=':
        return actual !== v;
      case 'between':
        return actual >= v && actual <= toBaseUnits(c.max ?? Number.POSITIVE_INFINITY, c.unit);
    }
  }
  if (typeof actual !== typeof c.value) return undefined;
  if (c.op === '==') return actual === c.value;
  if (c.op === '!=') return actual !== c.value;
  return undefined;
}

export interface ExpectationOutcome {
  expectation: Expectation;
  actual: ObservedScalar | undefined;
  /** undefined: the figure was missing or not comparable (counts as not met). */
  met: boolean | undefined;
}

export interface ExpectationsVerdict {
  /** Every non-advisory expectation met. */
  ok: boolean;
  outcomes: ExpectationOutcome[];
  /** Non-advisory expectations not met (or not measurable). */
  unmet: ExpectationOutcome[];
  /** Advisory expectations not met: shown, never failing. */
  advisories: ExpectationOutcome[];
}

export function evaluateExpectations(
  expect: Expectation | Expectation[],
  observed: Observed | undefined,
  primary: string,
): ExpectationsVerdict {
  const list = Array.isArray(expect) ? expect : [expect];
  const outcomes = list.map((expectation) => {
    const actual = pickMetric(observed, expectation.metric, primary);
    return { expectation, actual, met: compareValue(expectation, actual) };
  });
  const unmet = outcomes.filter((o) => !o.expectation.advisory && o.met !== true);
  const advisories = outcomes.filter((o) => o.expectation.advisory && o.met !== true);
  return { ok: unmet.length === 0, outcomes, unmet, advisories };
}

const OP_TEXT: Record<ComparisonOp, string> = { '<': '<', '<=': '≤', '>': '>', '>=': '≥', '==': '=', '!=': '≠', between: 'between' };

/** "p99_ms < 2000 ms", "between 45 MB and 280 MB", "= true". */
export function describeComparison(c: Comparable & { metric?: string | undefined }, kind?: MetricKind): string {
  const show = (v: number | boolean | string) =>
    typeof v === 'number' ? formatInUnit(toBaseUnits(v, c.unit), c.unit, kind) : JSON.stringify(v);
  const head = c.metric ? `${c.metric} ` : '';
  if (c.op === 'between') return `${head}between ${show(c.value)} and ${show(c.max ?? Number.NaN)}`;
  return `${head}${OP_TEXT[c.op]} ${show(c.value)}`;
}
