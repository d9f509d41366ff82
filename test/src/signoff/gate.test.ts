import { describe, expect, it } from 'vitest';
import { loadPlanFile } from '../../../src/plan/load.js';
import { findCheckpoint, type Checkpoint, type Plan } from '../../../src/plan/schema.js';
import { evidenceOfRun, gateDecisionSpec, rescheduledDates, retestDeadline } from '../../../src/signoff/evidence.js';
import { judgeGate, manualChecksForGate } from '../../../src/signoff/gate.js';
import type { RunRecord } from '../../../src/store/runs.js';
import type { SignoffRecord } from '../../../src/store/signoffs.js';

const plan: Plan = loadPlanFile('plans/demo.yaml').plan;
const cp = (id: string): Checkpoint => findCheckpoint(plan, id)!;

function run(over: Partial<RunRecord> = {}): RunRecord {
  return {
    id: 10,
    planId: 'demo',
    checkpointId: 'cp1',
    number: 3,
    environment: 'staging',
    status: 'complete',
    decision: 'PASS',
    decisionKind: 'go',
    decisionDetail: { phase: 'main', outcome: 'pass', failed_criteria: [] },
    evidenceDigest: 'd'.repeat(64),
    startedBy: 'U0DBA0001',
    startedAt: new Date('2026-02-07T11:00:00Z'),
    finishedAt: new Date('2026-02-07T11:05:00Z'),
    channelId: 'C0GOLIVE',
    messageTs: null,
    ...over,
  };
}

let nextId = 1;
function signed(role: string, userId: string, r: RunRecord, over: Partial<SignoffRecord> = {}): SignoffRecord {
  return {
    id: nextId++,
    planId: 'demo',
    checkpointId: r.checkpointId,
    runId: r.id,
    role,
    userId,
    evidenceDigest: r.evidenceDigest!,
    signedAt: new Date('2026-02-07T11:10:00Z'),
    withdrawnAt: null,
    withdrawnBy: null,
    ...over,
  };
}

const cp1Attested = manualChecksForGate(cp('cp1')).map((k) => ({ checkId: k.checkId, outcome: 'pass' }));
const cp1All = (r: RunRecord) => [signed('dba', 'U0DBA0001', r), signed('infra', 'U0INF0001', r), signed('pm', 'U0PMG0001', r)];

function gate(r: RunRecord | undefined, signoffs: SignoffRecord[], attestations = cp1Attested, checkpoint = cp('cp1')) {
  return judgeGate({
    plan,
    checkpoint,
    run: r,
    evidence: r && evidenceOfRun(checkpoint, r),
    signoffs,
    attestations,
    documentsReady: true,
  });
}

describe('the gate to the next checkpoint', () => {
  it('opens on a GO run signed by every required role, with every manual check attested', () => {
    const r = run();
    const verdict = gate(r, cp1All(r));
    expect(verdict).toMatchObject({ open: true, blockers: [], missingRoles: [], unattestedChecks: [] });
    expect(verdict.next?.id).toBe('cp2');
  });

  it('stays closed while a role is missing, naming it', () => {
    const r = run();
    const verdict = gate(r, cp1All(r).slice(0, 2));
    expect(verdict.open).toBe(false);
    expect(verdict.missingRoles).toEqual(['pm']);
    expect(verdict.blockers.join(' ')).toContain('Project Manager');
  });

  it('does not count sign-offs of another run or against another digest', () => {
    const r = run();
    const older = run({ id: 9, number: 2, evidenceDigest: 'a'.repeat(64) });
    const verdict = gate(r, [...cp1All(older), signed('dba', 'U0DBA0001', r, { evidenceDigest: 'b'.repeat(64) })]);
    expect(verdict.open).toBe(false);
    expect(verdict.counted).toEqual([]);
    expect(verdict.missingRoles).toEqual(['dba', 'infra', 'pm']);
  });

  it('stays closed on HOLD, CONDITIONAL and on an incomplete or running run', () => {
    for (const r of [
      run({ decision: 'HOLD', decisionKind: 'nogo', decisionDetail: { phase: 'main', outcome: 'hold' } }),
      run({ decision: 'INCOMPLETE', decisionKind: 'incomplete', decisionDetail: { phase: 'main', outcome: null } }),
      run({ status: 'running', decision: null, decisionKind: null, evidenceDigest: null }),
    ]) {
      expect(gate(r, cp1All(run())).open).toBe(false);
    }
    const cond = run({ checkpointId: 'cp2', decision: 'CONDITIONAL GO', decisionKind: 'conditional', decisionDetail: { phase: 'main', outcome: 'conditional_go', failed_criteria: ['query_performance'] } });
    const all = cp('cp2').signoffs.map((s, i) => signed(s.role, `U0PERSON${i}`, cond));
    const verdict = gate(cond, all, [{ checkId: 'no_manual_interventions', outcome: 'pass' }], cp('cp2'));
    expect(verdict.open).toBe(false);
    expect(verdict.blockers[0]).toContain('CONDITIONAL GO');
  });

  it('needs every manual check of the phase attested (a failed attestation does not count)', () => {
    const r = run();
    const manual = manualChecksForGate(cp('cp1'));
    expect(manual.map((m) => m.checkId)).toEqual(['alert_rules', 'backup_monitoring']);
    const verdict = gate(r, cp1All(r), [{ checkId: 'alert_rules', outcome: 'pass' }, { checkId: 'backup_monitoring', outcome: 'fail' }]);
    expect(verdict.open).toBe(false);
    expect(verdict.unattestedChecks.map((k) => k.checkId)).toEqual(['backup_monitoring']);
  });

  it('refuses one person signing several roles unless the plan allows it, and the starter as only approver', () => {
    const r = run({ startedBy: 'U0MULTI01' });
    const one = [signed('dba', 'U0MULTI01', r), signed('infra', 'U0MULTI01', r), signed('pm', 'U0MULTI01', r)];
    expect(gate(r, one).blockers.join(' ')).toContain('four eyes');
    const lenient: Plan = { ...plan, allow_same_person_multiple_roles: true };
    const verdict = judgeGate({ plan: lenient, checkpoint: cp('cp1'), run: r, evidence: evidenceOfRun(cp('cp1'), r), signoffs: one, attestations: cp1Attested, documentsReady: true });
    expect(verdict.open).toBe(false);
    expect(verdict.blockers.join(' ')).toContain('only approver');
    const shared = [signed('dba', 'U0MULTI01', r), signed('infra', 'U0MULTI01', r), signed('pm', 'U0PMG0001', r)];
    expect(judgeGate({ plan: lenient, checkpoint: cp('cp1'), run: r, evidence: evidenceOfRun(cp('cp1'), r), signoffs: shared, attestations: cp1Attested, documentsReady: true }).open).toBe(true);
  });

  it('waits for the documents hook', () => {
    const r = run();
    const verdict = judgeGate({ plan, checkpoint: cp('cp1'), run: r, evidence: evidenceOfRun(cp('cp1'), r), signoffs: cp1All(r), attestations: cp1Attested, documentsReady: false });
    expect(verdict.open).toBe(false);
    expect(verdict.blockers.join(' ')).toContain('documents');
  });

  it('judges cp3 on the cutover record: COMPLETE opens it, PROCEED does not', () => {
    const cp3 = cp('cp3');
    expect(gateDecisionSpec(cp3).phase).toBe('validation');
    const proceed = evidenceOfRun(cp3, run({ checkpointId: 'cp3', decision: 'PROCEED', decisionDetail: { phase: 'pre_cutover', outcome: 'proceed' } }));
    expect(proceed).toMatchObject({ kind: 'go', gateDecision: false, signable: false });
    const complete = evidenceOfRun(cp3, run({ checkpointId: 'cp3', decision: 'COMPLETE', decisionDetail: { phase: 'validation', outcome: 'complete' } }));
    expect(complete).toMatchObject({ kind: 'go', gateDecision: true, signable: true, label: 'COMPLETE' });
    // A record without a detail is matched by its label, the gate's decision first.
    expect(evidenceOfRun(cp3, run({ checkpointId: 'cp3', decision: 'COMPLETE', decisionDetail: null }))).toMatchObject({ gateDecision: true, signable: true });
  });
});

describe('dates an outcome implies', () => {
  it('reschedules from the run time and gives the CONDITIONAL re-test deadline', () => {
    const base = new Date('2026-02-14T20:00:00Z');
    const hold = cp('cp1').decisions[0]!.outcomes.find((o) => o.id === 'hold')!;
    expect(rescheduledDates(hold.reschedule, base).map((d) => d.earliest.toISOString())).toEqual(['2026-02-15T20:00:00.000Z', '2026-02-21T20:00:00.000Z']);
    const cond = cp('cp2').decisions[0]!.outcomes.find((o) => o.id === 'conditional_go')!;
    expect(retestDeadline(cond, base)?.toISOString()).toBe('2026-02-15T20:00:00.000Z');
    const [range] = rescheduledDates(cond.reschedule, base);
    expect([range!.earliest.toISOString(), range!.latest.toISOString()]).toEqual(['2026-02-16T20:00:00.000Z', '2026-02-17T20:00:00.000Z']);
  });

  it('reads failed criteria from the stored decision, or from the results when it has none', () => {
    const withDetail = evidenceOfRun(cp('cp2'), run({ checkpointId: 'cp2', decision: 'CONDITIONAL GO', decisionKind: 'conditional', decisionDetail: { phase: 'main', outcome: 'conditional_go', failed_criteria: ['query_performance'] } }));
    expect(withDetail.failedCriteria).toEqual([{ criterionId: 'query_performance', title: cp('cp2').criteria.find((c) => c.id === 'query_performance')!.title }]);
    const fromResults = evidenceOfRun(cp('cp2'), run({ checkpointId: 'cp2', decision: 'CONDITIONAL GO', decisionKind: 'conditional', decisionDetail: null }), [
      { runId: 10, checkId: 'x', criterionId: 'index_health', status: 'fail', observed: {}, expected: null, message: null, evidence: null, durationMs: 1, recordedAt: new Date() },
    ]);
    expect(fromResults.failedCriteria.map((c) => c.criterionId)).toEqual(['index_health']);
  });
});
