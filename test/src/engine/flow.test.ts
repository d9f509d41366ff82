import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRunFlow } from '../../../src/engine/flow.js';
import { checkJobId, executionGroups } from '../../../src/engine/groups.js';
import { loadPlanFile } from '../../../src/plan/load.js';
import { findCheckpoint, type Plan } from '../../../src/plan/schema.js';
import { writeEnginePlan, type EnginePlan } from './support.js';

describe('a run as a BullMQ flow', () => {
  let file: EnginePlan;
  let plan: Plan;
  beforeAll(async () => {
    file = await writeEnginePlan();
    plan = structuredClone(loadPlanFile(file.file).plan);
    // Two backup_tool checks with the same params (one dump), and one with other params.
    const backup = findCheckpoint(plan, 'cp1')!.criteria[1]!;
    const dump = { path: file.backupDir, format: 'custom', restore_list: true, restore_into_scratch: false };
    backup.checks.push(
      { ...backup.checks[0]!, id: 'tool', type: 'backup_tool', params: dump, expect: undefined },
      { ...backup.checks[0]!, id: 'verify', type: 'backup_tool', params: { ...dump }, expect: { metric: 'toc_entries', op: '>', value: 0 } },
      { ...backup.checks[0]!, id: 'scratch', type: 'backup_tool', params: { ...dump, restore_into_scratch: true }, expect: undefined },
    );
  });
  afterAll(async () => {
    await file.remove();
  });

  it('groups shared checks with identical params into one execution', () => {
    const groups = executionGroups(findCheckpoint(plan, 'cp1')!, 'staging');
    const tool = groups.find((g) => g.id === 'tool')!;
    expect(tool.checks.map((c) => c.id)).toEqual(['tool', 'verify']);
    expect(tool.heavy).toBe(true);
    expect(groups.find((g) => g.id === 'scratch')!.heavy).toBe(true);
    expect(groups.filter((g) => !g.heavy).every((g) => g.checks.length === 1)).toBe(true);
    // A check that names its own environment keeps it; the others take the run's.
    expect(new Set(groups.map((g) => g.environment))).toEqual(new Set(['staging']));
  });

  it('puts light checks side by side and nests heavy ones so they never overlap', () => {
    const groups = executionGroups(findCheckpoint(plan, 'cp1')!, 'staging');
    const flow = buildRunFlow(42, groups);
    expect(flow).toMatchObject({ name: 'finalize-run', queueName: 'control', data: { runId: 42 }, opts: { jobId: 'run-42-finalize' } });
    const children = flow.children!;
    const heavy = children.filter((c) => c.children);
    expect(heavy).toHaveLength(1);
    expect(heavy[0]!.opts!.jobId).toBe(checkJobId(42, 'tool'));
    expect(heavy[0]!.children!.map((c) => c.opts!.jobId)).toEqual([checkJobId(42, 'scratch')]);
    expect(heavy[0]!.data).toEqual({ runId: 42, checkIds: ['tool', 'verify'] });
    for (const child of children) {
      expect(child.queueName).toBe('checks');
      // A child that fails for good lets the parent decide (the missing result becomes an error).
      expect(child.opts!.ignoreDependencyOnFailure).toBe(true);
    }
    const ids = JSON.stringify(flow).match(/run-42-[a-z_-]+/g)!;
    expect(new Set(ids).size).toBe(ids.length);
  });
});
