import { describe, expect, it } from 'vitest';
import { parsePlanText } from '../../../src/plan/load.js';
import { describePlan, planWarnings } from '../../../src/plan/inspect.js';
import { parseRolesText } from '../../../src/roles/load.js';
import { MINIMAL_PLAN, planWith } from './minimal-plan.js';

const load = (text: string) => parsePlanText(text, 'plans/mini.yaml');
const ROLES = parseRolesText('roles:\n  dba: { users: [U0DBA0001] }\n  pm: { users: [U0PMG0001] }\n', 'roles.yaml');

describe('plan:check warnings', () => {
  it('has none for a plan whose labels, windows and roles agree', () => {
    expect(planWarnings(load(MINIMAL_PLAN), { roles: ROLES })).toEqual([]);
  });

  it('flags a label whose weekday disagrees with its date (07/02/2026 is a Saturday)', () => {
    const text = planWith('label: "SAT 07/02 08:00-17:00"', 'label: "FRI 07/02 08:00-17:00"');
    const warnings = planWarnings(load(text));
    expect(warnings).toEqual([
      expect.objectContaining({
        file: 'plans/mini.yaml',
        path: ['checkpoints', 0, 'window', 'label'],
        message: '"FRI 07/02": 07/02/2026 is a Saturday, not a Friday',
      }),
    ]);
  });

  it('reads Portuguese weekdays and undated ones against the window start', () => {
    expect(planWarnings(load(planWith('label: "SAT 07/02 08:00-17:00"', 'label: "SÁB 07/02"')))).toEqual([]);
    const undated = planWarnings(load(planWith('label: "SAT 07/02 08:00-17:00"', 'label: "MON morning"')));
    expect(undated[0]!.message).toBe('"MON": the window starts on a Saturday (2026-02-07T08:00), not a Monday');
  });

  it('flags a window that ends before it starts', () => {
    const text = planWith('end: "2026-02-07T17:00"', 'end: "2026-02-07T07:00"');
    const warnings = planWarnings(load(text));
    expect(warnings).toEqual([
      expect.objectContaining({ path: ['checkpoints', 0, 'window', 'end'], message: 'ends (2026-02-07T07:00) before it starts (2026-02-07T08:00)' }),
    ]);
  });

  it('flags a role missing from the roles file, with the line given', () => {
    const roles = parseRolesText('roles:\n  dba: { users: [U0DBA0001] }\n', 'roles.yaml');
    const warnings = planWarnings(load(MINIMAL_PLAN), { roles, lineOf: () => 42 });
    expect(warnings).toEqual([
      { file: 'plans/mini.yaml', path: ['roles', 'pm'], line: 42, message: 'role "pm" is not in the roles file roles.yaml: golive will refuse to load this plan with it' },
    ]);
  });
});

describe('plan:check summary', () => {
  it('shows windows in the plan time zone, counts, types, roles', () => {
    const lines = describePlan(load(MINIMAL_PLAN), { implementedTypes: ['connectivity', 'manual'], roles: ROLES }).join('\n');
    expect(lines).toContain('plan mini: Minimal plan');
    expect(lines).toContain('times in America/Sao_Paulo (UTC-03:00)');
    expect(lines).toContain('cp1 One, on staging: Sat 07/02/2026 08:00 → Sat 07/02/2026 17:00 America/Sao_Paulo');
    expect(lines).toContain('2 criteria, 3 checks, 1 manual, 1 fail triggers');
    expect(lines).toContain('decision main: PASS / HOLD');
    expect(lines).toMatch(/connectivity\s+1\s+implemented/);
    expect(lines).toMatch(/latency\s+1\s+not implemented yet/);
    expect(lines).toContain('dba (DBA): U0DBA0001');
    expect(lines).toContain('briefings: none');
  });
});
