import { describe, expect, it } from 'vitest';
import { decideCheckpoint } from '../../../src/decision/decide.js';
import type { CheckResult, CutoverProgress } from '../../../src/decision/types.js';
import { loadPlanFile } from '../../../src/plan/load.js';
import { fromRoot } from '../../../src/paths.js';
import type { Plan } from '../../../src/plan/schema.js';
import { failingCriteria, firing, ofPhase, passingResults, withChanges } from './results.js';

/**
 * The decision matrix of every checkpoint of the shipped plans, at its
 * boundaries: 0, 1, 2 and 3 failed criteria, a fail trigger, an error, a
 * pending manual check, a skipped (not implemented) type, optional checks.
 */

const opt1 = loadPlanFile(fromRoot('plans/opt1.yaml')).plan;
const demo = loadPlanFile(fromRoot('plans/demo.yaml')).plan;

function decide(plan: Plan, checkpointId: string, results: CheckResult[], phase?: string, cutover?: CutoverProgress) {
  return decideCheckpoint({ plan, checkpointId, results, phase, cutover });
}

describe.each([
  ['opt1', opt1],
  ['demo', demo],
])('%s plan decisions', (_name, plan) => {
  const pass = (cp: string) => passingResults(plan, cp);

  describe.each([
    ['cp1', 'main', undefined, 'PASS', 'HOLD'],
    ['cp2', 'main', undefined, 'GO', 'CONDITIONAL GO'],
    ['cp3', 'pre_cutover', undefined, 'PROCEED', 'DELAY'],
    ['cp3', 'validation', 'completed', 'COMPLETE', 'ROLLED BACK'],
    ['cp4', 'main', undefined, 'ACCEPTED', 'CONDITIONAL ACCEPTANCE'],
  ] as const)('%s %s: error, skipped, pending, optional', (cpId, phase, cutover, goLabel, oneFailedLabel) => {
    const cp = plan.checkpoints.find((c) => c.id === cpId)!;
    const phaseChecks = cp.criteria.filter((c) => c.phase === phase).flatMap((c) => c.checks);
    const automated = phaseChecks.find((c) => c.type !== 'manual')!;
    const run = (changes: Parameters<typeof withChanges>[1], p: Plan = plan) => decide(p, cpId, withChanges(passingResults(p, cpId), changes), phase, cutover);

    it(`all passing → ${goLabel}`, () => {
      expect(run({}).label).toBe(goLabel);
    });

    it(`a check that errors fails its criterion → ${oneFailedLabel}`, () => {
      const d = run({ [automated.id]: { status: 'error', reason: 'timed out after 30 s' } });
      expect(d.label).toBe(oneFailedLabel);
      expect(d.erroredChecks.map((c) => c.checkId)).toEqual([automated.id]);
    });

    it('a skipped (not implemented) type keeps it from a GO-like decision', () => {
      const d = run({ [automated.id]: { status: 'skipped', reason: 'not implemented' } });
      expect(d.kind).toBe('incomplete');
      expect(d.provisional?.label).toBe(goLabel);
    });

    it('a pending manual check (or a result not in yet) keeps it open until attested', () => {
      const manual = phaseChecks.find((c) => c.type === 'manual') ?? automated;
      const d = run({ [manual.id]: { status: 'pending', reason: 'awaiting attestation' } });
      expect(d.kind).toBe('incomplete');
      expect(run({ [manual.id]: { status: 'pass', reason: 'attested by U0DBA0001' } }).label).toBe(goLabel);
    });

    it('an optional check neither fails nor holds its criterion (nor leaves its trigger undetermined)', () => {
      const read = new Set(cp.triggers.flatMap((t) => JSON.stringify(t.condition).match(/"check":"[a-z0-9_]+"/g) ?? []).map((m) => m.slice(9, -1)));
      const quiet = phaseChecks.find((c) => c.type !== 'manual' && !read.has(c.id))!;
      const copy = structuredClone(plan);
      for (const id of [quiet.id, automated.id]) copy.checkpoints.find((c) => c.id === cpId)!.criteria.flatMap((c) => c.checks).find((c) => c.id === id)!.optional = true;
      const failed = run({ [quiet.id]: { status: 'fail' } }, copy);
      expect(failed.label).toBe(goLabel);
      expect(failed.failedOptionalChecks.map((c) => c.checkId)).toEqual([quiet.id]);
      expect(run({ [automated.id]: { status: 'skipped', observed: {} } }, copy).label).toBe(goLabel);
    });
  });

  describe('cp1: PASS / HOLD', () => {
    it.each([
      [0, 'PASS', 'go'],
      [1, 'HOLD', 'nogo'],
      [2, 'HOLD', 'nogo'],
      [3, 'HOLD', 'nogo'],
    ])('%i failed criteria → %s', (n, label, kind) => {
      const d = decide(plan, 'cp1', withChanges(pass('cp1'), failingCriteria(plan, 'cp1', n)));
      expect(d).toMatchObject({ label, kind });
      expect(d.failedCriteria).toHaveLength(n);
    });

    it('HOLD carries the plan’s actions and its reschedule (+24 h, +1 week)', () => {
      const d = decide(plan, 'cp1', withChanges(pass('cp1'), failingCriteria(plan, 'cp1', 1)));
      expect(d.actions).toContain('Hold staging deployment (24 hours)');
      expect(d.reschedule.map((r) => r.delay)).toEqual(['24h', '1w']);
      expect(d.next).toBeUndefined();
    });

    it('PASS points at cp2', () => {
      expect(decide(plan, 'cp1', pass('cp1')).next).toBe('cp2');
    });

    it('an unreachable database (error) fails its criterion: HOLD, and the trigger fires', () => {
      const d = decide(plan, 'cp1', withChanges(pass('cp1'), { staging_db_access: { status: 'error', reason: 'connection refused' } }));
      expect(d.label).toBe('HOLD');
      expect(d.erroredChecks.map((c) => c.checkId)).toEqual(['staging_db_access']);
      expect(d.firedTriggers.map((t) => t.triggerId)).toEqual(['connectivity_down']);
      expect(d.firedTriggers[0]!.reasons[0]).toBe('staging_db_access error: connection refused');
    });

    it('disk under the trigger bound fires "Disco insuficiente" with its own bound', () => {
      const d = decide(plan, 'cp1', withChanges(pass('cp1'), { disk_space: { status: 'fail', ...firing(plan, 'cp1', 'disk_insufficient').disk_space } }));
      expect(d.firedTriggers.map((t) => t.triggerId)).toEqual(['disk_insufficient']);
      expect(d.label).toBe('HOLD');
    });

    it('a pending manual check keeps PASS from being decided; a failure still decides HOLD', () => {
      const manual = plan.checkpoints[0]!.criteria.flatMap((c) => c.checks).find((c) => c.type === 'manual');
      if (!manual) return; // opt1's cp1 is fully automated
      const pending = withChanges(pass('cp1'), { [manual.id]: { status: 'pending', reason: 'awaiting attestation by infra' } });
      const open = decide(plan, 'cp1', pending);
      expect(open).toMatchObject({ kind: 'incomplete', label: 'INCOMPLETE' });
      expect(open.provisional?.label).toBe('PASS');
      expect(open.pendingChecks.map((c) => c.checkId)).toEqual([manual.id]);
      expect(decide(plan, 'cp1', withChanges(pending, { staging_db_access: { status: 'fail' } })).label).toBe('HOLD');
    });
  });

  describe('cp2: GO / CONDITIONAL GO / NO-GO', () => {
    it.each([
      [0, 'GO', 'go'],
      [1, 'CONDITIONAL GO', 'conditional'],
      [2, 'CONDITIONAL GO', 'conditional'],
      [3, 'NO-GO', 'nogo'],
    ])('%i failed criteria → %s', (n, label, kind) => {
      expect(decide(plan, 'cp2', withChanges(pass('cp2'), failingCriteria(plan, 'cp2', n)))).toMatchObject({ label, kind });
    });

    it('a fail trigger decides NO-GO with every criterion passing, and escalates', () => {
      const d = decide(plan, 'cp2', withChanges(pass('cp2'), firing(plan, 'cp2', 'critical_bug')));
      expect(d.failedCriteria).toHaveLength(0);
      expect(d).toMatchObject({ label: 'NO-GO', kind: 'nogo' });
      expect(d.firedTriggers.map((t) => t.triggerId)).toEqual(['critical_bug']);
      expect(d.escalateTo).toEqual(['tech_lead', 'db_architect']);
      expect(d.reschedule[0]!.delay).toBe('2w');
    });

    it('a rollback between 5 and 10 minutes fails its criterion without firing the trigger', () => {
      const slowish = plan.id === 'opt1' ? 7 * 60_000 : 45_000;
      const d = decide(plan, 'cp2', withChanges(pass('cp2'), { rb_time: { status: 'fail', observed: { max_rollback_ms: slowish } } }));
      expect(d).toMatchObject({ label: 'CONDITIONAL GO' });
      const slow = plan.id === 'opt1' ? 11 * 60_000 : 61_000;
      expect(decide(plan, 'cp2', withChanges(pass('cp2'), { rb_time: { status: 'fail', observed: { max_rollback_ms: slow } } })).label).toBe('NO-GO');
    });

    it('a query 5 % slower fails without the trigger; 6 % slower fires it', () => {
      const five = decide(plan, 'cp2', withChanges(pass('cp2'), { q3_st_dwithin: { status: 'fail', observed: { improvement_pct: -5 } } }));
      expect(five.label).toBe('CONDITIONAL GO');
      const six = decide(plan, 'cp2', withChanges(pass('cp2'), { q3_st_dwithin: { status: 'fail', observed: { improvement_pct: -6 } } }));
      expect(six.label).toBe('NO-GO');
      expect(six.firedTriggers.map((t) => t.triggerId)).toEqual(['query_regression']);
    });

    it('CONDITIONAL GO records the re-test window and the +2-3 day delay, and opens nothing', () => {
      const d = decide(plan, 'cp2', withChanges(pass('cp2'), failingCriteria(plan, 'cp2', 1)));
      expect(d.outcome?.retest_within).toEqual({ min: '12h', max: '24h' });
      expect(d.reschedule[0]!.delay).toEqual({ min: '2d', max: '3d' });
      expect(d.next).toBeUndefined();
    });

    it('a skipped (not implemented) check keeps it INCOMPLETE with GO provisional', () => {
      const d = decide(plan, 'cp2', withChanges(pass('cp2'), { lt_p99: { status: 'skipped', reason: 'not implemented' } }));
      expect(d).toMatchObject({ kind: 'incomplete', label: 'INCOMPLETE' });
      expect(d.provisional?.label).toBe('GO');
      expect(d.skippedChecks.map((c) => c.checkId)).toEqual(['lt_p99']);
      expect(d.summary).toBe('INCOMPLETE: 1 check skipped; GO once they pass');
    });

    it('a pending manual check keeps it INCOMPLETE, even with 1-2 failures (they could still become 3)', () => {
      const pending = { no_manual_interventions: { status: 'pending' as const } };
      expect(decide(plan, 'cp2', withChanges(pass('cp2'), pending)).kind).toBe('incomplete');
      const two = decide(plan, 'cp2', withChanges(pass('cp2'), { ...pending, ...failingCriteria(plan, 'cp2', 2) }));
      expect(two).toMatchObject({ kind: 'incomplete' });
      expect(two.provisional?.label).toBe('CONDITIONAL GO');
      const three = decide(plan, 'cp2', withChanges(pass('cp2'), { ...pending, ...failingCriteria(plan, 'cp2', 3) }));
      expect(three.label).toBe('NO-GO');
    });

    it('a missing result counts as pending', () => {
      const d = decide(plan, 'cp2', pass('cp2').filter((r) => r.checkId !== 'uptime'));
      expect(d.kind).toBe('incomplete');
      expect(d.pendingChecks).toEqual([expect.objectContaining({ checkId: 'uptime', status: 'pending', reason: 'no result yet' })]);
    });

    it('a trigger-only check without a result leaves its trigger undetermined: no GO yet', () => {
      const d = decide(plan, 'cp2', withChanges(pass('cp2'), { open_critical_incidents: { status: 'skipped', observed: {} } }).map((r) =>
        r.checkId === 'open_critical_incidents' ? { checkId: r.checkId, status: 'skipped' as const, reason: 'not implemented' } : r,
      ));
      expect(d).toMatchObject({ kind: 'incomplete' });
      expect(d.summary).toBe('INCOMPLETE: 1 fail trigger undetermined; GO once they pass');
    });

    it('optional checks and criteria that are not required never decide', () => {
      const copy = structuredClone(plan);
      const cp2 = copy.checkpoints.find((c) => c.id === 'cp2')!;
      cp2.criteria.find((c) => c.id === 'stability')!.checks.find((c) => c.id === 'no_manual_interventions')!.optional = true;
      cp2.criteria.find((c) => c.id === 'index_health')!.required = false;
      const results = withChanges(passingResults(copy, 'cp2'), {
        no_manual_interventions: { status: 'pending' },
        index_fragmentation: { status: 'fail', observed: { max_fragmentation_pct: 14 } },
      });
      const d = decide(copy, 'cp2', results);
      expect(d).toMatchObject({ label: 'GO', kind: 'go' });
      expect(d.failedOptionalCriteria.map((c) => c.criterionId)).toEqual(['index_health']);
      const optionalFail = decide(copy, 'cp2', withChanges(passingResults(copy, 'cp2'), { no_manual_interventions: { status: 'fail' } }));
      expect(optionalFail.label).toBe('GO');
      expect(optionalFail.failedOptionalChecks.map((c) => c.checkId)).toEqual(['no_manual_interventions']);
    });
  });

  describe('cp3: PROCEED / DELAY, then COMPLETE / ROLLED BACK', () => {
    const pre = () => ofPhase(plan, 'cp3', pass('cp3'), 'pre_cutover');

    it.each([
      [0, 'PROCEED'],
      [1, 'DELAY'],
      [2, 'DELAY'],
      [3, 'DELAY'],
    ])('pre-cutover: %i failed criteria → %s (validation results not needed)', (n, label) => {
      expect(decide(plan, 'cp3', withChanges(pre(), failingCriteria(plan, 'cp3', n, 'pre_cutover')), 'pre_cutover').label).toBe(label);
    });

    it('pre-cutover: a team member not yet confirmed keeps it open; DELAY reschedules +24 h', () => {
      const open = decide(plan, 'cp3', withChanges(pre(), { oncall_standby: { status: 'pending' } }), 'pre_cutover');
      expect(open.kind).toBe('incomplete');
      const delay = decide(plan, 'cp3', withChanges(pre(), { prod_db_connectivity: { status: 'error' } }), 'pre_cutover');
      expect(delay.label).toBe('DELAY');
      expect(delay.reschedule[0]!.delay).toBe('24h');
    });

    it.each([
      ['completed', 0, 'COMPLETE'],
      ['completed', 1, 'ROLLED BACK'],
      ['completed', 3, 'ROLLED BACK'],
      ['rolled_back', 0, 'ROLLED BACK'],
      ['aborted', 0, 'ROLLED BACK'],
      ['failed', 0, 'ROLLED BACK'],
    ] as const)('cutover %s with %i failed validation criteria → %s', (cutover, n, label) => {
      const results = withChanges(pass('cp3'), failingCriteria(plan, 'cp3', n, 'validation'));
      expect(decide(plan, 'cp3', results, 'validation', cutover).label).toBe(label);
    });

    it('a running cutover is not decided while validation passes', () => {
      const d = decide(plan, 'cp3', pass('cp3'), 'validation', 'running');
      expect(d).toMatchObject({ kind: 'incomplete' });
      expect(d.summary).toBe('INCOMPLETE: cutover running; COMPLETE once they pass');
      expect(decide(plan, 'cp3', pass('cp3'), 'validation').kind).toBe('incomplete');
    });

    it('ROLLED BACK escalates to the CTO and the database architect', () => {
      expect(decide(plan, 'cp3', pass('cp3'), 'validation', 'aborted').escalateTo).toEqual(['cto', 'db_architect']);
    });
  });

  describe('cp4: ACCEPTED / CONDITIONAL ACCEPTANCE / ISSUE RESOLUTION REQUIRED', () => {
    it.each([
      [0, 'ACCEPTED', 'go'],
      [1, 'CONDITIONAL ACCEPTANCE', 'conditional'],
      [2, 'CONDITIONAL ACCEPTANCE', 'conditional'],
      [3, 'ISSUE RESOLUTION REQUIRED', 'nogo'],
    ])('%i failed criteria → %s', (n, label, kind) => {
      expect(decide(plan, 'cp4', withChanges(pass('cp4'), failingCriteria(plan, 'cp4', n)))).toMatchObject({ label, kind });
    });

    it('a critical incident (SEV 1-2) decides ISSUE RESOLUTION REQUIRED with one failed criterion', () => {
      const d = decide(plan, 'cp4', withChanges(pass('cp4'), { zero_critical_incidents: { status: 'fail', observed: { count: 1 } } }));
      expect(d.failedCriteria.map((c) => c.criterionId)).toEqual(['error_rate']);
      expect(d.label).toBe('ISSUE RESOLUTION REQUIRED');
      expect(d.escalateTo).toEqual(['cto', 'db_architect']);
      expect(d.outcome?.escalation_timeline).toHaveLength(3);
    });

    it('pruning between 40 % and 60 % fails its criterion only; under 40 % fires the trigger', () => {
      expect(decide(plan, 'cp4', withChanges(pass('cp4'), { partition_pruning_pct: { status: 'fail', observed: { pruned_pct: 50 } } })).label).toBe('CONDITIONAL ACCEPTANCE');
      expect(decide(plan, 'cp4', withChanges(pass('cp4'), { partition_pruning_pct: { status: 'fail', observed: { pruned_pct: 39 } } })).label).toBe('ISSUE RESOLUTION REQUIRED');
    });

    it('CONDITIONAL ACCEPTANCE keeps monitoring 2-4 h (scaled in the demo) with a decide-by time', () => {
      const d = decide(plan, 'cp4', withChanges(pass('cp4'), failingCriteria(plan, 'cp4', 1)));
      expect(d.outcome?.decide_by).toBe(plan.id === 'opt1' ? '2026-02-20T12:00' : '+1h38m');
      expect(d.outcome?.continue_monitoring).toEqual(plan.id === 'opt1' ? { min: '2h', max: '4h' } : { min: '12m', max: '24m' });
    });
  });
});
