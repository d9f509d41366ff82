import type { FlowJob, FlowJobNode } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { buildRunFlow } from '../../../src/engine/flow.js';
import { executionGroups } from '../../../src/engine/groups.js';
import { fromRoot } from '../../../src/paths.js';
import { loadPlans } from '../../../src/plan/load.js';

/**
 * The order a run's checks execute in (issue 8): the rollback drill changes
 * the table every other check reads, so it runs after all of them; query
 * timings run one at a time with the heavy checks, never beside the load test.
 */
describe('run flow order', () => {
  const plan = loadPlans([fromRoot('plans', 'demo.yaml')])[0]!.plan;
  const cp2 = plan.checkpoints.find((c) => c.id === 'cp2')!;
  const groups = executionGroups(cp2, 'staging');
  const flow = buildRunFlow(1, groups);
  const typeOf = (node: FlowJobNode | FlowJob) => {
    const first = (node.data as { checkIds: string[] }).checkIds[0]!;
    return groups.find((g) => g.id === first)!.checks[0]!.type;
  };
  const descendants = (node: FlowJobNode | FlowJob): FlowJobNode[] => (node.children ?? []).flatMap((c) => [c, ...descendants(c)]);

  it('runs the rollback drill last: every other check of the run is a descendant of it', () => {
    expect(flow.children).toHaveLength(1);
    const drill = flow.children![0]!;
    expect(typeOf(drill)).toBe('rollback_drill');
    expect(descendants(drill)).toHaveLength(groups.length - 1);
  });

  it('chains query timings with the heavy checks, one at a time, away from the light ones', () => {
    const drill = flow.children![0]!;
    const light = drill.children!.filter((c) => !c.children?.length);
    const chain: FlowJobNode[] = [];
    for (let node = drill.children!.find((c) => c.children?.length); node; node = node.children?.[0]) chain.push(node);
    const chainTypes = chain.map(typeOf);
    expect(chainTypes).toEqual(expect.arrayContaining(['load_test', 'query_performance']));
    expect(chainTypes.filter((t) => t === 'query_performance')).toHaveLength(3);
    expect(light.map(typeOf)).not.toContain('query_performance');
    expect(light.map(typeOf)).not.toContain('load_test');
  });
});
