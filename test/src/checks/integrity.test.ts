import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeGroup } from '../../../src/checks/execute.js';
import { implementationOf } from '../../../src/checks/index.js';
import { integrityChecks } from '../../../src/checks/integrity.js';
import type { CheckOutcome } from '../../../src/checks/types.js';
import { executionGroups } from '../../../src/engine/groups.js';
import { loadPlanFile } from '../../../src/plan/load.js';
import { parseCheckParams, type CheckTypeId } from '../../../src/plan/check-types.js';
import { allChecks, findCheckpoint, type Plan } from '../../../src/plan/schema.js';
import { fromRoot } from '../../../src/paths.js';
import { baseContext } from './support.js';
import { migratedDatabase, type TestDatabase } from './integrity-support.js';

/**
 * The shipped plans' integrity checks reach these modules: every check of
 * these types in plans/demo.yaml and plans/opt1.yaml has an implementation
 * and valid params, and the demo plan's CHECKPOINT 2 data-integrity and
 * index-health checks, grouped as the engine groups a run and executed on
 * the engine's path, run on a migrated staging against a migrated shadow.
 * (The whole `/golive cp2 run` also starts the load test and the rollback
 * drill; the engine's own tests drive runs through Slack.)
 */

const INTEGRITY_TYPES = new Set(integrityChecks.map((c) => c.type));

function integrityChecksOf(plan: Plan) {
  return plan.checkpoints.flatMap((cp) => allChecks(cp).filter((c) => INTEGRITY_TYPES.has(c.type as CheckTypeId)).map((c) => ({ checkpoint: cp.id, check: c })));
}

describe('the integrity checks in the shipped plans', () => {
  it.each(['demo.yaml', 'opt1.yaml'])('every integrity check of plans/%s has a module and valid params', (file) => {
    const { plan } = loadPlanFile(fromRoot('plans', file));
    const found = integrityChecksOf(plan);
    expect(found.length).toBeGreaterThan(15);
    for (const { checkpoint, check } of found) {
      expect(implementationOf(check.type), `${checkpoint}.${check.id}`).toBeDefined();
      expect(() => parseCheckParams(check.type as CheckTypeId, check.params), `${checkpoint}.${check.id}`).not.toThrow();
    }
    // cp1's baseline, cp2's data integrity and index health are all here.
    const types = new Set(found.map((f) => f.check.type));
    expect([...types].sort()).toEqual([...INTEGRITY_TYPES].sort());
  });

  describe("the demo plan's cp2 integrity and index checks on migrated staging against shadow", () => {
    let staging: TestDatabase;
    let shadow: TestDatabase;
    const outcomes = new Map<string, CheckOutcome>();

    beforeAll(async () => {
      [staging, shadow] = await Promise.all([migratedDatabase('plan_staging'), migratedDatabase('plan_shadow')]);
      const { plan } = loadPlanFile(fromRoot('plans', 'demo.yaml'));
      const cp2 = findCheckpoint(plan, 'cp2')!;
      const urls: Record<string, string> = { staging: staging.url, shadow: shadow.url };
      const base = baseContext({ plan, checkpointId: 'cp2', environment: 'staging', targetUrl: staging.url, environmentUrl: (name) => urls[name] });
      for (const group of executionGroups(cp2, 'staging')) {
        if (!group.checks.every((c) => INTEGRITY_TYPES.has(c.type as CheckTypeId))) continue;
        const env = group.environment;
        const result = await executeGroup(group.checks, { ...base, environment: env, targetUrl: urls[env]! });
        for (const [id, outcome] of result) outcomes.set(id, outcome);
      }
    });
    afterAll(async () => {
      await Promise.all([staging?.drop(), shadow?.drop()]);
    });

    it('runs each of them to a verdict (none skipped, none in error)', () => {
      expect(outcomes.size).toBeGreaterThanOrEqual(10);
      for (const [id, outcome] of outcomes) expect(['pass', 'fail'], `${id}: ${outcome.status} ${outcome.message}`).toContain(outcome.status);
    });

    it('passes every check whose thresholds do not depend on the data size', () => {
      for (const id of ['row_count_match', 'checksum_validation', 'foreign_keys', 'primary_keys', 'gist_index', 'brin_index', 'search_view_indices', 'index_fragmentation', 'missing_indices']) {
        const outcome = outcomes.get(id);
        expect(outcome?.status, `${id}: ${outcome?.message}`).toBe('pass');
      }
    });
  });
});
