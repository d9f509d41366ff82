import { describe, expect, it } from 'vitest';
import { crossCheckRoles, loadPlanFile, loadPlans, parsePlanText, PlanFileError, type FileProblem } from '../../../src/plan/load.js';
import { parseRolesText } from '../../../src/roles/load.js';
import { lineOf, MINIMAL_PLAN, planWith, writeTemp } from './minimal-plan.js';

/** The problems a plan text is refused with (fails the test when it loads). */
function problemsOf(text: string, file = 'plans/x.yaml'): FileProblem[] {
  try {
    parsePlanText(text, file);
  } catch (err) {
    expect(err).toBeInstanceOf(PlanFileError);
    return (err as PlanFileError).problems;
  }
  throw new Error('the plan loaded, but it should have been refused');
}

function messageOf(text: string): string {
  try {
    parsePlanText(text, 'plans/x.yaml');
  } catch (err) {
    return (err as Error).message;
  }
  return '';
}

describe('plan loading', () => {
  it('accepts the minimal plan and fills defaults in', () => {
    const { plan, sha256 } = parsePlanText(MINIMAL_PLAN, 'mini.yaml');
    expect(plan.id).toBe('mini');
    expect(sha256).toMatch(/^[0-9a-f]{64}$/);
    const latency = plan.checkpoints[0]!.criteria[0]!.checks[1]!;
    // The engine reads params with the type's defaults filled in.
    expect(latency.params).toMatchObject({ samples: 5, interval: '100ms' });
    expect(plan.checkpoints[0]!.criteria[0]!.required).toBe(true);
  });

  it('names file, path, problem and line for an expectation of the wrong type', () => {
    const text = planWith('expect: { metric: avg_ms, op: "<", value: 50, unit: ms }', 'expect: { metric: avg_ms, op: "<", value: "fifty", unit: ms }');
    const problems = problemsOf(text);
    expect(problems).toContainEqual(
      expect.objectContaining({ file: 'plans/x.yaml', path: ['checkpoints', 0, 'criteria', 0, 'checks', 1, 'expect', 'value'], line: lineOf('expect: { metric: avg_ms') }),
    );
    expect(messageOf(text)).toContain('plans/x.yaml: checkpoints[0].criteria[0].checks[1].expect.value: expected a number, got "fifty"');
    expect(messageOf(text)).toMatch(/\(line \d+\)/);
  });

  it('refuses an expectation naming a figure the type does not report', () => {
    const text = planWith('metric: avg_ms, op: "<", value: 50', 'metric: mean_ms, op: "<", value: 50');
    expect(messageOf(text)).toContain('checkpoints[0].criteria[0].checks[1].expect.metric: check type latency reports no figure "mean_ms"');
  });

  it('refuses a unit that does not fit the figure', () => {
    const text = planWith('value: 50, unit: ms }', 'value: 50, unit: GB }');
    expect(messageOf(text)).toContain('unit GB does not fit figure avg_ms of latency, which is duration');
  });

  it('names an unknown check type with the known ones', () => {
    const text = planWith('type: connectivity', 'type: telepathy');
    const problems = problemsOf(text);
    expect(problems[0]).toMatchObject({ path: ['checkpoints', 0, 'criteria', 0, 'checks', 0, 'type'], line: lineOf('type: connectivity') });
    expect(problems[0]!.message).toMatch(/^unknown check type "telepathy" \(known: connectivity, latency, /);
  });

  it('validates params against the check type', () => {
    const text = planWith('params: { samples: 5 }', 'params: { samples: -2, colour: blue }');
    const message = messageOf(text);
    expect(message).toContain('checkpoints[0].criteria[0].checks[1].params.samples:');
    expect(message).toContain('checkpoints[0].criteria[0].checks[1].params: unknown field "colour"');
  });

  it('refuses a trigger that refers to a check the checkpoint does not have', () => {
    const text = planWith('condition: { check: latency,', 'condition: { check: lateness,');
    const problems = problemsOf(text);
    expect(problems).toContainEqual(
      expect.objectContaining({
        path: ['checkpoints', 0, 'triggers', 0, 'condition', 'check'],
        message: 'trigger refers to check "lateness", which is not a check of this checkpoint',
        line: lineOf('condition: { check: latency,'),
      }),
    );
  });

  it('refuses duplicate check ids and duplicate criterion ids', () => {
    const dupCheck = planWith('- id: latency\n', '- id: reach\n');
    expect(messageOf(dupCheck)).toContain('checkpoints[0].criteria[0].checks[1].id: duplicate check id "reach" (first at checkpoints[0].criteria[0].checks[0])');
    const dupCriterion = planWith('- id: people', '- id: connectivity');
    expect(messageOf(dupCriterion)).toContain('checkpoints[0].criteria[1].id: duplicate id "connectivity" (also at checkpoints[0].criteria[0])');
  });

  it('refuses a role the plan does not declare', () => {
    const text = planWith('attest_by: [pm]', 'attest_by: [cfo]');
    expect(messageOf(text)).toContain('checkpoints[0].criteria[1].checks[0].attest_by[0]: role "cfo" is not declared under roles (declared: dba, pm)');
  });

  it('refuses a decision that leaves a count of failed criteria without an outcome', () => {
    const text = planWith('{ id: hold, label: HOLD, kind: nogo, when: { any_of: [{ failed_criteria: { min: 1 } }, { triggers: any }] } }', '{ id: hold, label: HOLD, kind: nogo, when: { failed_criteria: { min: 2 } } }');
    expect(messageOf(text)).toContain('checkpoints[0].decisions[0].outcomes: no outcome covers 0 failed criteria, a trigger fired');
  });

  it('refuses a relative offset in an absolute plan', () => {
    const text = planWith('start: "2026-02-07T08:00"', 'start: "+10m"');
    expect(messageOf(text)).toContain('checkpoints[0].window.start: an absolute plan takes local date-times like 2026-02-17T13:00, got "+10m"');
  });

  it('reports YAML syntax errors and duplicate keys with their line', () => {
    const text = planWith('title: "Minimal plan"', 'title: "Minimal plan"\ntitle: again');
    const problems = problemsOf(text);
    expect(problems[0]!.message).toMatch(/^YAML: /);
    expect(problems[0]!.line).toBe(3);
  });

  it('says when the file cannot be read', () => {
    expect(() => loadPlanFile('/nonexistent/plan.yaml')).toThrow('/nonexistent/plan.yaml: (top level): cannot read: file not found');
  });

  it('refuses two files with the same plan id, naming both', () => {
    const files = writeTemp({ 'a.yaml': MINIMAL_PLAN, 'b.yaml': MINIMAL_PLAN });
    expect(() => loadPlans([files['a.yaml']!, files['b.yaml']!])).toThrow(`${files['b.yaml']}: id: plan id "mini" is already used by ${files['a.yaml']}`);
    const other = writeTemp({ 'c.yaml': planWith('id: mini', 'id: other') });
    expect(loadPlans([files['a.yaml']!, other['c.yaml']!]).map((l) => l.plan.id)).toEqual(['mini', 'other']);
  });

  it('reports the problems of every file together', () => {
    const files = writeTemp({ 'a.yaml': planWith('type: connectivity', 'type: nope'), 'b.yaml': planWith('id: mini', 'id: Bad Id') });
    try {
      loadPlans([files['a.yaml']!, files['b.yaml']!]);
      throw new Error('should have failed');
    } catch (err) {
      const problems = (err as PlanFileError).problems;
      expect(problems.map((p) => p.file)).toEqual(expect.arrayContaining([files['a.yaml'], files['b.yaml']]));
    }
  });
});

describe('plan roles against the roles file', () => {
  it('refuses a plan naming a role the roles file lacks, naming the role', () => {
    const loaded = parsePlanText(MINIMAL_PLAN, 'plans/mini.yaml');
    const roles = parseRolesText('roles:\n  dba: { users: [U0DBA0001] }\n', 'roles.yaml');
    try {
      crossCheckRoles(loaded, roles);
      throw new Error('should have failed');
    } catch (err) {
      expect(err).toBeInstanceOf(PlanFileError);
      expect((err as PlanFileError).code).toBe('PLAN_ROLES_MISSING');
      expect((err as Error).message).toBe('plans/mini.yaml: roles.pm: role "pm" is not in the roles file roles.yaml; add it there (roles: { pm: { users: [...] } })');
    }
  });

  it('accepts a plan whose roles are all in the file', () => {
    const loaded = parsePlanText(MINIMAL_PLAN, 'plans/mini.yaml');
    const roles = parseRolesText('roles:\n  dba: { users: [U0DBA0001] }\n  pm: { users: [] }\n', 'roles.yaml');
    expect(() => crossCheckRoles(loaded, roles)).not.toThrow();
  });
});
