import { describe, expect, it } from 'vitest';
import { loadPlanFile } from '../../../src/plan/load.js';
import { loadRolesFile, parseRolesText, RolesFileError } from '../../../src/roles/load.js';
import { rolesListingUser, rolesOfUser } from '../../../src/roles/schema.js';
import { fromRoot } from '../../../src/paths.js';

describe('roles file', () => {
  it('parses users and user groups, with empty lists by default', () => {
    const { roles } = parseRolesText('roles:\n  dba: { users: [U0DBA0001], usergroups: [S0DBAS001] }\n  pm: {}\n', 'r.yaml');
    expect(roles.roles.dba).toEqual({ users: ['U0DBA0001'], usergroups: ['S0DBAS001'] });
    expect(roles.roles.pm).toEqual({ users: [], usergroups: [] });
  });

  it('refuses a bad user id with file, path and line', () => {
    try {
      parseRolesText('roles:\n  dba:\n    users: [bob]\n', 'roles.yaml');
      throw new Error('should have failed');
    } catch (err) {
      expect(err).toBeInstanceOf(RolesFileError);
      expect((err as RolesFileError).code).toBe('ROLES_INVALID');
      expect((err as Error).message).toBe('roles.yaml: roles.dba.users[0]: expected a Slack user id like U0DBA0001, got "bob" (line 3)');
    }
  });

  it('refuses a role name that is not snake_case and an unknown field', () => {
    expect(() => parseRolesText('roles:\n  Big Boss: { users: [] }\n', 'r.yaml')).toThrow(/roles\["Big Boss"\]: key: expected a role name in snake_case/);
    expect(() => parseRolesText('roles:\n  dba: { people: [] }\n', 'r.yaml')).toThrow('r.yaml: roles.dba: unknown field "people" (line 2)');
  });

  it('says how to fix a missing file', () => {
    expect(() => loadRolesFile('/nonexistent/roles.yaml')).toThrow('(set GOLIVE_ROLES or copy roles.example.yaml)');
  });

  it('finds a user’s roles directly and through user groups', () => {
    const { roles } = parseRolesText('roles:\n  dba: { users: [U01], usergroups: [S09] }\n  pm: { users: [U01] }\n  cto: { usergroups: [S08] }\n', 'r.yaml');
    expect(rolesListingUser(roles, 'U01')).toEqual(['dba', 'pm']);
    expect(rolesOfUser(roles, 'U02', ['S09', 'S08'])).toEqual(['dba', 'cto']);
    expect(rolesOfUser(roles, 'U03')).toEqual([]);
  });
});

describe('roles.example.yaml', () => {
  const example = loadRolesFile(fromRoot('roles.example.yaml'));

  it('names every role the shipped plans use, escalation roles included', () => {
    for (const file of ['plans/opt1.yaml', 'plans/demo.yaml']) {
      const { plan } = loadPlanFile(fromRoot(file));
      const used = new Set([
        ...Object.keys(plan.roles),
        ...plan.incidents.escalation.flatMap((l) => l.roles),
        ...plan.checkpoints.flatMap((cp) => cp.signoffs.map((s) => s.role)),
      ]);
      for (const role of used) expect(Object.keys(example.roles.roles), `${file} uses ${role}`).toContain(role);
    }
  });

  it('gives each role one distinct demo user, U0DBA0001 being the DBA', () => {
    const entries = Object.entries(example.roles.roles);
    expect(entries.length).toBeGreaterThanOrEqual(9);
    for (const [, holders] of entries) expect(holders.users).toHaveLength(1);
    const users = entries.map(([, h]) => h.users[0]);
    expect(new Set(users).size).toBe(users.length);
    expect(example.roles.roles.dba!.users).toEqual(['U0DBA0001']);
    expect(rolesListingUser(example.roles, 'U0DBA0001')).toEqual(['dba']);
  });
});
