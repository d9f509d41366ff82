import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromRoot } from '../../src/paths.js';
import { loadPlans, crossCheckRoles } from '../../src/plan/load.js';
import { loadRolesFile } from '../../src/roles/load.js';
import { implementedTypes } from '../../src/checks/index.js';
import { allChecks } from '../../src/plan/schema.js';
import { spawnEntry } from '../support/spawn.js';
import { lineOf, MINIMAL_PLAN, planWith, writeTemp } from '../src/plan/minimal-plan.js';

/** `npm run plan:check` as a real process, on the shipped plans and on broken ones. */

async function planCheck(args: string[]): Promise<{ code: number | null; output: string }> {
  const proc = spawnEntry('src/bin/plan-check.ts', {}, args);
  const { code } = await proc.exited;
  return { code, output: proc.output() };
}

describe('the shipped plans', { timeout: 120_000 }, () => {
  it('load together with the example roles file', () => {
    const loaded = loadPlans([fromRoot('plans/opt1.yaml'), fromRoot('plans/demo.yaml')]);
    const roles = loadRolesFile(fromRoot('roles.example.yaml'));
    for (const plan of loaded) expect(() => crossCheckRoles(plan, roles)).not.toThrow();
    expect(loaded.map((l) => l.plan.id)).toEqual(['opt1', 'demo']);
  });

  it('use only check types golive implements (an unimplemented one is skipped and would hold its checkpoint for ever)', () => {
    const implemented = new Set(implementedTypes());
    for (const { plan } of loadPlans([fromRoot('plans/opt1.yaml'), fromRoot('plans/demo.yaml')])) {
      const used = new Set(plan.checkpoints.flatMap((cp) => allChecks(cp).map((c) => c.type)));
      expect([...used].filter((t) => !implemented.has(t)), plan.id).toEqual([]);
    }
  });

  it("run the DBA's blockers before DDL in cp3's 08:00-12:00 pre-cutover slot", () => {
    for (const { plan } of loadPlans([fromRoot('plans/opt1.yaml'), fromRoot('plans/demo.yaml')])) {
      const cp3 = plan.checkpoints.find((c) => c.id === 'cp3')!;
      const blockers = cp3.criteria.find((c) => c.id === 'ddl_blockers')!;
      expect(blockers.phase).toBe('pre_cutover');
      expect(blockers.checks.map((k) => k.id)).toEqual(['long_transactions', 'prepared_transactions', 'replication_lag', 'replication_slots', 'invalid_indexes', 'disk_for_copy', 'schema_drift']);
      const slot = cp3.pre_cutover!.slots.find((s) => s.title === 'Final pre-cutover checks')!;
      expect(slot.criteria).toContain('ddl_blockers');
    }
  });

  it('pass plan:check with no warnings, summarised in the plan time zone', async () => {
    const { code, output } = await planCheck(['plans/opt1.yaml', 'plans/demo.yaml', '--roles', 'roles.example.yaml']);
    expect(code, output).toBe(0);
    expect(output).toContain('plan opt1: OPT1 Migration: Temporal Partitioning');
    expect(output).toContain('cp1 Staging pre-validation, on staging: Sat 07/02/2026 08:00 → Sat 07/02/2026 17:00 America/Sao_Paulo');
    expect(output).toContain('cp3 Production cutover, on production: Tue 17/02/2026 05:00 → Tue 17/02/2026 14:30 America/Sao_Paulo');
    expect(output).toContain('thresholds from migration start: assess 25m, consider abort 40m, hard stop rollback 55m; rollback limit 5m');
    expect(output).toContain('Tue 17/02/2026 09:00  Post-migration status (30m, cp4)');
    expect(output).toContain('plan demo: OPT1 demo');
    expect(output).toContain('cp1 Staging pre-validation, on staging: +0m → +15m from the start');
    expect(output).toMatch(/connectivity\s+2\s+implemented/);
    expect(output).toContain('dba (Database Administrator): U0DBA0001');
    expect(output.match(/warnings: none/g)).toHaveLength(2);
    expect(output).toContain('2 plans valid');
  });

  it('keep the demo plan’s `id: demo` line (tests rewrite it)', () => {
    expect(readFileSync(fromRoot('plans/demo.yaml'), 'utf8')).toMatch(/^id: demo$/m);
  });
});

describe('plan:check on broken plans', { timeout: 120_000 }, () => {
  it('exits 1 printing each error as file: path: problem (line N)', async () => {
    const bad = planWith('type: connectivity', 'type: telepathy');
    const files = writeTemp({ 'bad.yaml': planWith('params: { samples: 5 }', 'params: { samples: 0 }', bad) });
    const { code, output } = await planCheck([files['bad.yaml']!]);
    expect(code).toBe(1);
    expect(output).toContain(`${files['bad.yaml']}: checkpoints[0].criteria[0].checks[0].type: unknown check type "telepathy"`);
    expect(output).toMatch(new RegExp(`checks\\[0\\]\\.type: .*\\(line ${lineOf('type: connectivity')}\\)`));
    expect(output).toMatch(new RegExp(`checks\\[1\\]\\.params\\.samples: .*\\(line \\d+\\)`));
    expect(output).toContain('2 errors');
  });

  it('exits 1 for two files with the same plan id', async () => {
    const files = writeTemp({ 'a.yaml': MINIMAL_PLAN, 'b.yaml': MINIMAL_PLAN });
    const { code, output } = await planCheck([files['a.yaml']!, files['b.yaml']!]);
    expect(code).toBe(1);
    expect(output).toContain(`${files['b.yaml']}: id: plan id "mini" is already used by ${files['a.yaml']}`);
  });

  it('warns (exit 0) on a weekday that disagrees with its date, a window ending before it starts and a role missing from the roles file', async () => {
    const text = planWith('label: "SAT 07/02 08:00-17:00"', 'label: "FRI 07/02 08:00-17:00"', planWith('end: "2026-02-07T17:00"', 'end: "2026-02-06T17:00"'));
    const files = writeTemp({ 'warn.yaml': text, 'roles.yaml': 'roles:\n  dba: { users: [U0DBA0001] }\n' });
    const { code, output } = await planCheck([files['warn.yaml']!, '--roles', files['roles.yaml']!]);
    expect(code, output).toBe(0);
    expect(output).toContain(`warning: ${files['warn.yaml']}: checkpoints[0].window.label: "FRI 07/02": 07/02/2026 is a Saturday, not a Friday (line ${lineOf('label: "SAT 07/02')})`);
    expect(output).toContain(`warning: ${files['warn.yaml']}: checkpoints[0].window.end: ends (2026-02-06T17:00) before it starts (2026-02-07T08:00)`);
    expect(output).toContain(`warning: ${files['warn.yaml']}: roles.pm: role "pm" is not in the roles file ${files['roles.yaml']}`);
    expect(output).toContain('pm (PM): MISSING from the roles file');
    expect(output).toContain('1 plan valid, 3 warnings');
  });

  it('prints usage and exits 2 without a file', async () => {
    const { code, output } = await planCheck([]);
    expect(code).toBe(2);
    expect(output).toContain('usage: npm run plan:check -- FILE');
  });
});
