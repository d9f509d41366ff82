import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeGroup } from '../../../src/checks/execute.js';
import { migrateDatabase } from '../../../src/demo/setup.js';
import { createDemoTestDatabase, type DemoTestDatabase } from '../demo/support.js';
import { loadDemoPlan, perfCheck, perfContext } from './perf-support.js';

/** The demo plan's representative query set, explained on the original table and on the partitioned one. */
describe('partition_pruning check', () => {
  let db: DemoTestDatabase;
  const plan = loadDemoPlan();
  const sample = () => plan.checkpoints.flatMap((c) => c.criteria.flatMap((k) => k.checks)).find((c) => c.id === 'partition_pruning_pct')!;

  beforeAll(async () => {
    db = await createDemoTestDatabase('prune');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('finds no pruning on the unpartitioned table and fails, saying why', async () => {
    const check = sample();
    const outcome = (await executeGroup([check], perfContext(db.url, { checkpointId: 'cp4' }))).get(check.id)!;
    expect(outcome.status).toBe('fail');
    expect(outcome.message).toBe('public.catalogo_geometrias is not partitioned on staging: none of 14 queries can prune');
    expect(outcome.observed).toMatchObject({ queries: 14, pruned_queries: 0, pruned_pct: 0 });
  });

  it('finds pruning on the partitioned table, per query, in all three ways EXPLAIN shows it', { timeout: 180_000 }, async () => {
    await migrateDatabase(db.url);
    const check = sample();
    expect((check.params.statements as string[]).length).toBeGreaterThanOrEqual(10);
    const outcome = (await executeGroup([check], perfContext(db.url, { checkpointId: 'cp4' }))).get(check.id)!;
    expect(outcome.status, outcome.message).toBe('pass');
    const o = outcome.observed as Record<string, number>;
    expect(o.queries).toBe(14);
    expect(o.pruned_pct).toBeGreaterThan(60);
    expect(o.pruned_queries).toBeLessThan(14);
    expect(o.scan_reduction_pct).toBeGreaterThan(40);
    expect(outcome.message).toMatch(/^\d+ of 14 queries prune partitions of public\.catalogo_geometrias \([\d.]+ %\), scans reduced [\d.]+ % over \d+ partitions$/);

    const perQuery = (outcome.evidence as Record<string, any>).per_query as Array<{ id: string; pruned: boolean; how: string[]; scanned: number; partitions: number }>;
    const byId = new Map(perQuery.map((q) => [q.id, q]));
    for (const q of ['Q1', 'Q2', 'Q3']) expect(byId.get(q)).toMatchObject({ pruned: true, how: ['plan'] });
    const ways = new Set(perQuery.flatMap((q) => q.how));
    expect([...ways].sort()).toEqual(['executor_start', 'plan', 'run_time']);
    // A lookup by code alone reads every partition: it does not prune, and the share counts it.
    const byCode = perQuery.find((q) => /WHERE code = /.test((q as unknown as { sql: string }).sql))!;
    expect(byCode).toMatchObject({ pruned: false });
    expect(byCode.scanned).toBe(byCode.partitions);
  });
});
