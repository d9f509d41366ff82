import { describe, expect, it } from 'vitest';
import { loadPlanFile } from '../../../../src/plan/load.js';
import { findCheckpoint, type Plan } from '../../../../src/plan/schema.js';
import { evidenceOfRun } from '../../../../src/signoff/evidence.js';
import { judgeGate } from '../../../../src/signoff/gate.js';
import { mitigationsModal } from '../../../../src/slack/views/mitigations-modal.js';
import { shortTime, signoffCardView, supersededCardView } from '../../../../src/slack/views/signoff-card.js';
import { checkBlocks } from '../../../../src/slack/fake/block-limits.js';
import { checkView } from '../../../../src/slack/fake/views-store.js';
import type { RunRecord } from '../../../../src/store/runs.js';
import type { SignoffRecord } from '../../../../src/store/signoffs.js';

const plan: Plan = loadPlanFile('plans/demo.yaml').plan;
const cp2 = findCheckpoint(plan, 'cp2')!;
const now = new Date('2026-02-14T17:30:00Z');

const run = (over: Partial<RunRecord> = {}): RunRecord => ({
  id: 42,
  planId: 'demo',
  checkpointId: 'cp2',
  number: 7,
  environment: 'staging',
  status: 'complete',
  decision: 'GO',
  decisionKind: 'go',
  decisionDetail: { phase: 'main', outcome: 'go', failed_criteria: [] },
  evidenceDigest: 'abcdef0123456789'.repeat(4),
  startedBy: 'U0DBA0001',
  startedAt: new Date('2026-02-14T17:00:00Z'),
  finishedAt: new Date('2026-02-14T17:02:00Z'),
  channelId: 'C0GOLIVE',
  messageTs: null,
  ...over,
});

function card(r: RunRecord, signoffs: SignoffRecord[], stale: { signoff: SignoffRecord; runNumber: number }[] = []) {
  const evidence = evidenceOfRun(cp2, r);
  const gate = judgeGate({ plan, checkpoint: cp2, run: r, evidence, signoffs, attestations: [], documentsReady: true });
  return signoffCardView({ plan, checkpoint: cp2, run: r, evidence, signoffs, stale, mitigations: [], gate, fourEyes: true, now });
}

const signoff = (role: string, userId: string, r: RunRecord, id = 1): SignoffRecord => ({
  id, planId: 'demo', checkpointId: 'cp2', runId: r.id, role, userId, evidenceDigest: r.evidenceDigest!, signedAt: new Date('2026-02-14T17:02:00Z'), withdrawnAt: null, withdrawnBy: null,
});

describe('the sign-off card view', () => {
  it('shows one sign button per missing role, who signed with the time in the plan zone, and stays within Slack limits', () => {
    const r = run();
    const view = card(r, [signoff('dba', 'U0DBA0001', r)], [{ signoff: { ...signoff('app_lead', 'U0APP0001', r, 9), runId: 41, evidenceDigest: 'f'.repeat(64) }, runNumber: 6 }]);
    expect(checkBlocks(view.blocks, { surface: 'message', fallbackText: view.text })).toEqual([]);
    const json = JSON.stringify(view.blocks);
    expect(json).toContain('✅ *Database Administrator* <@U0DBA0001> 14:02 America/Sao_Paulo');
    expect(json).toContain('signoff_withdraw_dba');
    for (const role of ['app_lead', 'infra', 'qa_lead', 'pm', 'cto']) expect(json).toContain(`signoff_sign_${role}`);
    expect(json).not.toContain('signoff_sign_dba');
    expect(json).toContain('Sign off as QA Lead');
    expect(json).toContain('stale: Application Team Lead <@U0APP0001> signed run #6');
    expect(json).toContain('Gate to CP3');
    expect(view.text).toContain('1/6 signed');
  });

  it('offers no sign button on a run that is not a GO, and the mitigations button on CONDITIONAL', () => {
    const r = run({ decision: 'CONDITIONAL GO', decisionKind: 'conditional', decisionDetail: { phase: 'main', outcome: 'conditional_go', failed_criteria: ['query_performance', 'index_health'] } });
    const view = card(r, []);
    expect(checkBlocks(view.blocks, { surface: 'message', fallbackText: view.text })).toEqual([]);
    const json = JSON.stringify(view.blocks);
    expect(json).not.toContain('signoff_sign_');
    expect(json).toContain('signoff_mitigations');
    expect(json).toContain('Failed criteria (2)');
  });

  it('keeps long titles within limits, and the superseded card has no buttons', () => {
    const long: Plan = { ...plan, roles: { ...plan.roles, qa_lead: { title: 'Q'.repeat(200) } } };
    const r = run();
    const evidence = evidenceOfRun(cp2, r);
    const gate = judgeGate({ plan: long, checkpoint: cp2, run: r, evidence, signoffs: [], attestations: [], documentsReady: true });
    const view = signoffCardView({ plan: long, checkpoint: { ...cp2, title: 'T'.repeat(300) }, run: r, evidence, signoffs: [], stale: [], mitigations: [], gate, fourEyes: true, now });
    expect(checkBlocks(view.blocks, { surface: 'message', fallbackText: view.text })).toEqual([]);
    const old = supersededCardView({ plan, checkpoint: cp2, runNumber: 6, latestNumber: 7 });
    expect(checkBlocks(old.blocks, { surface: 'message', fallbackText: old.text })).toEqual([]);
    expect(JSON.stringify(old.blocks)).not.toContain('button');
  });

  it('builds a mitigations modal Slack accepts', () => {
    const r = run({ decision: 'CONDITIONAL GO', decisionKind: 'conditional' });
    const modal = mitigationsModal({
      plan, checkpoint: cp2, run: r, label: 'CONDITIONAL GO', channelId: 'C0GOLIVE', retestDeadline: new Date('2026-02-15T17:02:00Z'),
      failedCriteria: [{ criterionId: 'query_performance', title: 'Query performance' }, { criterionId: 'index_health', title: 'Index health' }],
      existing: [{ runId: 42, criterionId: 'index_health', owner: 'U0DBA0001', mitigation: 'Rebuild the GIST index', retestDeadline: null, recordedBy: 'U0DBA0001', recordedAt: now }],
    });
    expect(checkView(modal)).toEqual([]);
    expect(JSON.stringify(modal)).toContain('"initial_user":"U0DBA0001"');
  });

  it('shows times of another day with the date', () => {
    expect(shortTime(new Date('2026-02-13T17:02:00Z'), 'America/Sao_Paulo', now)).toBe('13/02 14:02 America/Sao_Paulo');
  });
});
