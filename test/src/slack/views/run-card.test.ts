import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRunState } from '../../../../src/engine/run-state.js';
import { loadPlanFile } from '../../../../src/plan/load.js';
import { findCheckpoint, type Check, type Plan } from '../../../../src/plan/schema.js';
import { checkBlocks } from '../../../../src/slack/fake/block-limits.js';
import { checkpointStatusView } from '../../../../src/slack/views/checkpoint-status.js';
import { runCardView } from '../../../../src/slack/views/run-card.js';
import type { AttestationRecord } from '../../../../src/store/attestations.js';
import type { CheckResultRecord, ResultStatus, RunRecord } from '../../../../src/store/runs.js';
import { blocksText, writeEnginePlan, type EnginePlan } from '../../engine/support.js';

const NOW = new Date('2026-02-07T11:30:00Z');

function runRecord(overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    id: 7, planId: 'eng', checkpointId: 'cp1', number: 3, environment: 'staging', status: 'complete', decision: null, decisionKind: null,
    decisionDetail: null, evidenceDigest: 'ab'.repeat(32), startedBy: 'U0DBA0001', startedAt: new Date('2026-02-07T11:00:00Z'),
    finishedAt: new Date('2026-02-07T11:01:12Z'), channelId: 'C0GOLIVE', messageTs: '1.2', ...overrides,
  };
}

function result(check: Check, criterionId: string, status: ResultStatus, message: string): CheckResultRecord {
  return { runId: 7, checkId: check.id, criterionId, status, observed: {}, expected: null, message, evidence: {}, durationMs: 5, recordedAt: NOW };
}

describe('run card and checkpoint status views', () => {
  let file: EnginePlan;
  let plan: Plan;
  beforeAll(async () => {
    file = await writeEnginePlan({ extraEnvironments: ['broken'] });
    plan = loadPlanFile(file.file).plan;
  });
  afterAll(async () => {
    await file.remove();
  });

  const stateWith = (statuses: Record<string, [ResultStatus, string]>, run: Partial<RunRecord> = {}, attestations: AttestationRecord[] = [], p: Plan = plan) => {
    const cp = findCheckpoint(p, 'cp1')!;
    const rows = cp.criteria.flatMap((crit) => crit.checks.filter((c) => statuses[c.id]).map((c) => result(c, crit.id, statuses[c.id]![0], statuses[c.id]![1])));
    return buildRunState(p, cp, runRecord(run), rows, attestations);
  };
  const allPass = (): Record<string, [ResultStatus, string]> => ({
    db_access: ['pass', 'connected'], latency: ['pass', 'avg 1 ms'], pool: ['pass', '3/3'], backup_location: ['pass', 'writable'],
    disk_space: ['pass', '10 GB free'], file_forward: ['pass', 'ok'], answers: ['pass', '1'], brief_team: ['pending', 'awaiting attestation'], cpu: ['skipped', 'not implemented'],
  });
  const valid = (view: { text: string; blocks: unknown[] }) => expect(checkBlocks(view.blocks, { surface: 'message', fallbackText: view.text })).toEqual([]);

  it('shows failures first with observed vs expected, then attest buttons, then folded criteria', () => {
    const statuses = allPass();
    statuses.latency = ['fail', '62 ms, target < 50 ms'];
    statuses.db_access = ['error', 'cannot connect to staging: connection refused by db:5432'];
    const view = runCardView(stateWith(statuses), NOW);
    valid(view);
    const text = blocksText(view.blocks);
    expect(text).toMatch(/^ENG · CP1 Staging pre-validation · run #3/);
    expect(text).toMatch(/🔴 \*HOLD\*/);
    expect(text).toMatch(/❌ \*Network latency\* 62 ms, target &lt; 50 ms/);
    expect(text).toMatch(/⚠️ \*Staging DB accessibility\* error: cannot connect/);
    expect(text).toMatch(/Connectivity validation 1\/3 ✗/);
    expect(text).toMatch(/Backup strategy validated 2\/2 ✓/);
    expect(text).toMatch(/Hold staging deployment \(24 hours\)/);
    expect(text).toMatch(/staging · 1m 12s · evidence `abababababab` · started by <@U0DBA0001> · Sat 07\/02\/2026 08:00 America\/Sao_Paulo \(UTC-03:00\)/);
    expect(text.indexOf('Failed (2)')).toBeLessThan(text.indexOf('*Criteria*'));
    expect(view.text).toBe('ENG CP1 run #3: HOLD (1 failed criterion)');
  });

  it('shows progress while running, and an Attest button per pending manual check', () => {
    const view = runCardView(stateWith({ db_access: ['pass', 'ok'], brief_team: ['pending', 'awaiting attestation'] }, { status: 'running', finishedAt: null, evidenceDigest: null }), NOW);
    valid(view);
    expect(blocksText(view.blocks)).toMatch(/⏳ running 2\/9/);
    const attest = view.blocks.find((b) => b.block_id === 'attest-brief_team') as { accessory: { action_id: string; value: string } };
    expect(attest.accessory).toMatchObject({ action_id: 'run-attest-brief_team', value: '7:brief_team' });
    expect(view.text).toBe('ENG CP1 run #3: running 2/9');
  });

  it('turns an attested check into a pass naming who attested it', () => {
    const attestation: AttestationRecord = { id: 1, runId: 7, checkId: 'brief_team', role: 'pm', userId: 'U0PMG0001', outcome: 'pass', note: null, attestedAt: new Date('2026-02-07T14:02:00Z') };
    const state = stateWith(allPass(), {}, [attestation]);
    expect(state.decision.label).toBe('PASS');
    const status = checkpointStatusView({ plan, checkpoint: state.checkpoint, latest: state, moments: { timeZone: plan.time_zone }, now: NOW });
    valid(status);
    expect(blocksText(status.blocks)).toMatch(/✅ \*Brief team on timeline\* attested by <@U0PMG0001> 11:02/);
  });

  it('stays within Slack’s limits with very many checks and very long messages', () => {
    const big = structuredClone(plan);
    const cp = findCheckpoint(big, 'cp1')!;
    const extra: Check[] = Array.from({ length: 70 }, (_, i) => ({ ...cp.criteria[0]!.checks[0]!, id: `many_${i}`, title: `Check number ${i} with a rather long title `.repeat(3), type: i % 2 ? 'manual' : 'sql' }));
    cp.criteria[0]!.checks.push(...extra);
    const statuses = allPass();
    extra.forEach((c, i) => (statuses[c.id] = i % 2 ? ['pending', 'awaiting'] : ['fail', `${'x'.repeat(4000)} <b>&`]));
    const view = runCardView(stateWith(statuses, {}, [], big), NOW);
    valid(view);
    expect(view.blocks.length).toBeLessThanOrEqual(50);
    const status = checkpointStatusView({ plan: big, checkpoint: cp, latest: stateWith(statuses, {}, [], big), moments: { timeZone: big.time_zone }, now: NOW });
    valid(status);
  });

  it('says how to start when a checkpoint has no run', () => {
    const cp = findCheckpoint(plan, 'cp1')!;
    const view = checkpointStatusView({ plan, checkpoint: cp, moments: { timeZone: plan.time_zone }, now: NOW });
    valid(view);
    expect(blocksText(view.blocks)).toMatch(/No run yet: `\/golive eng cp1 run`/);
    expect(blocksText(view.blocks)).toMatch(/Window Sat 07\/02\/2026 08:00 → Sat 07\/02\/2026 17:00 America\/Sao_Paulo/);
  });
});
