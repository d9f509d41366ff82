import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateEnvironment } from '../../src/engine/migrate.js';
import { startHarness, type Harness } from '../support/harness.js';
import { createDemoTestDatabase, type DemoTestDatabase } from '../src/demo/support.js';
import { ackText, blocksText, DBA, writeEnginePlan, type EnginePlan } from '../src/engine/support.js';

/** `/golive cp2 migrate` end to end: backup, verification, the OPT1 files through the step runner. */
describe('migrate-staging job', () => {
  let plan: EnginePlan;
  let db: DemoTestDatabase;
  let h: Harness;
  beforeAll(async () => {
    plan = await writeEnginePlan({ opt1Migrations: true });
    db = await createDemoTestDatabase('mig');
    h = await startHarness({ planFiles: [plan.file], environments: { staging: db.url } });
  });
  afterAll(async () => {
    await h?.close();
    await db?.drop();
    await plan?.remove();
  });

  const progress = () => h.fake.messages().find((m) => blocksText(m.blocks).includes('ENG · CP2 migrate staging'));

  it('backs staging up, verifies the dump, runs every step, then refuses a second time', async () => {
    const ack = await h.command('cp2 migrate', DBA);
    expect(ackText(ack)).toMatch(/Migration of staging queued/);
    const done = await h.fake.waitFor(() => {
      const m = progress();
      return m && /🟢|🔴/.test(blocksText(m.blocks)) && m;
    }, { timeoutMs: 240_000, intervalMs: 500, description: 'the migration finished' });
    const text = blocksText(done.blocks);
    expect(text).toMatch(/🟢 staging migrated: 2 files, 7 steps/);
    expect(text).toMatch(/✅ staging is not migrated yet: public\.catalogo_geometrias is a plain table/);
    expect(text).toMatch(/✅ Backup \(pg_dump -Fc\): .*pre-eng-staging-.*\.dump \([\d.]+ [KM]B/);
    expect(text).toMatch(/✅ Backup verified \(pg_restore --list\): \d+ TOC entries/);
    for (const step of ['create_partitions', 'copy_data', 'create_indexes', 'swap_tables', 'reindex_analyze', 'create_partition_function', 'ensure_partitions_now']) {
      expect(text).toMatch(new RegExp(`✅ \`${step}\``));
    }
    expect(done.updated).toBeGreaterThan(1);
    expect((await readdir(plan.backupDir)).filter((f) => f.endsWith('.dump'))).toHaveLength(1);
    const kind = await db.client.query(`SELECT relkind FROM pg_class WHERE oid = 'public.catalogo_geometrias'::regclass`);
    expect(kind.rows[0].relkind).toBe('p');
    const executions = await h.core.pool.query(`SELECT status, purpose FROM migration_executions WHERE plan_id = 'eng' ORDER BY id`);
    expect(executions.rows).toEqual([{ status: 'succeeded', purpose: 'migrate' }, { status: 'succeeded', purpose: 'migrate' }]);

    // Staging is migrated now: a second request changes nothing.
    await h.command('cp2 migrate', DBA);
    const refused = await h.fake.waitFor(() => h.fake.messages().find((m) => /refused: staging is already migrated/.test(blocksText(m.blocks))), { timeoutMs: 30_000 });
    expect(blocksText(refused.blocks)).toMatch(/public\.catalogo_geometrias is already partitioned \(\d+ partitions\)/);
    expect((await readdir(plan.backupDir)).filter((f) => f.endsWith('.dump'))).toHaveLength(1);
  });

  it('does not start again by itself when its job is delivered a second time', async () => {
    const payload = { planId: 'eng', checkpointId: 'cp2', environment: 'staging', target: { channelId: h.fake.identity.channel.id, userId: DBA }, requestKey: 'redelivered-1' };
    const deps = { plans: h.core.plans, store: h.core.store, pool: h.core.pool, slack: undefined as never, clock: h.core.clock, logger: h.core.logger };
    await h.core.store.deliveries.claim('migrate-job-redelivered-1', 'migrate-job', DBA);
    const posts: unknown[] = [];
    const slack = { upsert: async (_k: string, _kind: string, _c: string, m: unknown) => (posts.push(m), '1.1') } as never;
    const outcome = await migrateEnvironment({ ...deps, slack }, payload);
    expect(outcome.status).toBe('interrupted');
    expect(blocksText((posts.at(-1) as { blocks: unknown[] }).blocks)).toMatch(/golive does not start a migration again by itself/);
  });
});
