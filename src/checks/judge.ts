import { checkTypes, isCheckTypeId, type CheckTypeDef } from '../plan/check-types.js';
import { describeComparison, evaluateExpectations, type ExpectationOutcome } from '../plan/expect.js';
import { expectationsOf, type Check } from '../plan/schema.js';
import { formatInUnit, type MetricKind } from '../plan/units.js';
import type { CheckOutcome, ExpectedView, RawOutcome } from './types.js';

/**
 * A measurement judged against one check's expectations. A module's own
 * verdict (connected or not, files matched or not) stands; on top of it every
 * non-advisory expectation must hold. The failure message is what the run
 * card prints after the check's title: "2950 ms, target < 2790 ms".
 */
export function judge(check: Pick<Check, 'type' | 'expect'>, raw: RawOutcome, durationMs: number): CheckOutcome {
  const def = isCheckTypeId(check.type) ? (checkTypes[check.type] as CheckTypeDef) : undefined;
  const expectations = expectationsOf(check);
  if (!def || expectations.length === 0 || raw.status === 'skipped' || raw.status === 'pending') {
    return { ...raw, durationMs, expected: [] };
  }
  const verdict = evaluateExpectations(expectations, raw.observed, def.primary);
  const expected: ExpectedView[] = verdict.outcomes.map((o) => ({
    text: describeComparison(o.expectation, kindOf(def, o)),
    met: o.met ?? null,
    advisory: o.expectation.advisory === true,
  }));
  const advisoryNote = verdict.advisories.length ? ` (advisory: ${verdict.advisories.map((o) => shortfall(def, o)).join('; ')})` : '';
  if (raw.status !== 'pass') return { ...raw, message: raw.message + advisoryNote, durationMs, expected };
  if (verdict.ok) return { ...raw, message: raw.message + advisoryNote, durationMs, expected };
  return {
    ...raw,
    status: 'fail',
    message: verdict.unmet.map((o) => shortfall(def, o)).join('; ') + advisoryNote,
    durationMs,
    expected,
  };
}

function kindOf(def: CheckTypeDef, o: ExpectationOutcome): MetricKind | undefined {
  return def.metrics[o.expectation.metric ?? def.primary];
}

/** "62 ms, target < 50 ms"; a figure other than the primary one is named. */
function shortfall(def: CheckTypeDef, o: ExpectationOutcome): string {
  const e = o.expectation;
  const kind = kindOf(def, o);
  const name = e.metric && e.metric !== def.primary ? `${e.metric} ` : '';
  const actual =
    o.actual === undefined ? 'not measured' : o.actual === null ? 'no value' : typeof o.actual === 'number' ? formatInUnit(o.actual, e.unit, kind) : JSON.stringify(o.actual);
  return `${name}${actual}, target ${describeComparison({ ...e, metric: undefined }, kind)}`;
}
