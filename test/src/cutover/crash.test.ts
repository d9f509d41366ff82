import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_URL } from '../../support/constants.js';
import { startHarness, TEST_BOT_TOKEN, TEST_SIGNING_SECRET, type Harness } from '../../support/harness.js';
import { spawnEntry, type Spawned } from '../../support/spawn.js';
import { createDemoTestDatabase, type DemoTestDatabase } from '../demo/support.js';
import {
  autoConfirmItems,
  blocksText,
  click,
  DBA,
  executionsOf,
  insertIntoStep,
  insertProceed,
  openGateBefore,
  startAndConfirm,
  waitForStatus,
  writeCutoverPlan,
  type CutoverPlanFiles,
} from './support.js';

/**
 * The worker running the cutover is killed (SIGKILL) in the middle of a
 * step. The cutover must stay interrupted, not re-run: BullMQ hands the job
 * to the next worker, which starts nothing; the recovery ends the orphaned
 * session by its application_name, asks the verify queries, and posts
 * "interrupted at step copy_data" with buttons. The DBA chooses to re-run the
 * half-done step, and the cutover completes.
 *
 * copy_data sleeps while the target has a table golive_test_slow: the test
 * drops it after the kill, so the re-run is quick.
 */
describe('cp3 cutover: a worker killed mid-step', () => {
  let plan: CutoverPlanFiles;
  let prod: DemoTestDatabase;
  let staging: DemoTestDatabase;
  let h: Harness;
  const workers: Spawned[] = [];

  beforeAll(async () => {
    plan = await writeCutoverPlan({
      partitioning: (sql) => insertIntoStep(sql, 'copy_data', `DO $slow$ BEGIN IF to_regclass('public.golive_test_slow') IS NOT NULL THEN PERFORM pg_sleep(120); END IF; END $slow$;`),
    });
    prod = await createDemoTestDatabase('cocrash');
    staging = await createDemoTestDatabase('cocrashstg');
    await prod.client.query('CREATE TABLE public.golive_test_slow (id int)');
    h = await startHarness({ planFiles: [plan.file], environments: { shadow: staging.url, staging: staging.url, production: prod.url }, worker: false });
    await openGateBefore(h.core.pool, h.core.plans.require('demo'));
    await insertProceed(h.core.pool);
  });
  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    await h?.close();
    await prod?.drop();
    await staging?.drop();
    await plan?.remove();
  });

  const startWorkerProcess = async () => {
    const worker = spawnEntry(
      'test/support/worker-entry.ts',
      {
        DATABASE_URL: h.stateDb.url,
        REDIS_URL,
        GOLIVE_QUEUE_PREFIX: h.core.config.queuePrefix,
        GOLIVE_PLAN: plan.file,
        GOLIVE_ROLES: 'roles.example.yaml',
        GOLIVE_CHANNEL: h.fake.identity.channel.id,
        GOLIVE_ENV_SHADOW_URL: staging.url,
        GOLIVE_ENV_STAGING_URL: staging.url,
        GOLIVE_ENV_PRODUCTION_URL: prod.url,
        SLACK_BOT_TOKEN: TEST_BOT_TOKEN,
        SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
        SLACK_API_URL: h.fake.apiUrl,
        LOG_LEVEL: 'info',
      },
      ['3000', '1000'],
    );
    workers.push(worker);
    await worker.waitFor(/worker ready/, 60_000);
    return worker;
  };

  const sessions = async (pattern: string) => {
    const c = new pg.Client({ connectionString: prod.url });
    await c.connect();
    try {
      return (await c.query(`SELECT pid, application_name, state, query FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE $1`, [pattern])).rows;
    } finally {
      await c.end();
    }
  };

  it('leaves the cutover interrupted, not re-run; ends the orphaned session; resuming completes it', async () => {
    const first = await startWorkerProcess();
    const cutover = await startAndConfirm(h);
    const stop = autoConfirmItems(h, cutover.id);
    try {
      const orphan = await h.fake.waitFor(async () => (await sessions('golive:cutover:%')).find((s) => s.state === 'active' && /pg_sleep/.test(s.query)), {
        timeoutMs: 90_000,
        intervalMs: 200,
        description: 'copy_data sleeping on the first worker',
      });
      first.child.kill('SIGKILL');
      expect((await first.exited).signal).toBe('SIGKILL');
      await prod.client.query('DROP TABLE public.golive_test_slow');

      // One step ahead of the target: the state DB still says running; the orphan still holds its session.
      expect((await h.core.store.cutovers.get(cutover.id))!.status).toBe('running');
      expect((await sessions(orphan.application_name)).map((s) => s.pid)).toEqual([orphan.pid]);

      const second = await startWorkerProcess();
      const card = await h.fake.waitFor(() => h.fake.messages().find((m) => /was interrupted at step copy_data/.test(m.text)), {
        timeoutMs: 120_000,
        intervalMs: 250,
        description: 'the interruption message',
      });
      const interrupted = (await h.core.store.cutovers.get(cutover.id))!;
      expect(interrupted.status).toBe('interrupted');
      // The orphaned session was ended by name, and nothing was run again on its own.
      expect(await sessions(orphan.application_name)).toEqual([]);
      const before = await executionsOf(h.core.pool, cutover.id);
      expect(before).toHaveLength(1);
      expect(before[0]).toMatchObject({ status: 'interrupted' });
      expect(before[0]!.steps).toEqual([
        ['create_partitions', 'succeeded'],
        ['copy_data', 'interrupted'],
      ]);
      const text = blocksText(card);
      expect(text).toMatch(/Orphaned session ended: golive:cutover:\d+ \(pid \d+\)/);
      expect(text).toMatch(/`create_partitions` recorded succeeded, verify: true/);
      expect(text).toMatch(/`copy_data` recorded interrupted, verify: false/);
      expect(text).toMatch(/Re-run copy_data and go on/);
      expect(second.output()).toMatch(/cutover job delivered again/);
      // A second start meanwhile is refused: the interrupted cutover waits for its DBA.
      expect(JSON.stringify((await h.command('cp3 start', DBA)).json)).toMatch(/was interrupted and waits for a DBA/);

      expect(await click(h, DBA, card, 'cutover-resume')).toMatch(/Resuming cutover #\d+ \(re-running copy_data\)/);
      const done = await waitForStatus(h, cutover.id, ['completed', 'aborted', 'rolled_back', 'failed'], 120_000);
      expect(done).toMatchObject({ status: 'completed', finalState: 'completed' });
    } finally {
      stop();
    }
    const executions = await executionsOf(h.core.pool, cutover.id);
    expect(executions.map((e) => e.status)).toEqual(['interrupted', 'succeeded', 'succeeded']);
    expect(executions[1]!.steps).toEqual([
      ['create_partitions', 'skipped'],
      ['copy_data', 'succeeded'],
      ['create_indexes', 'succeeded'],
      ['swap_tables', 'succeeded'],
      ['reindex_analyze', 'succeeded'],
    ]);
    expect((await prod.client.query(`SELECT count(*)::int AS n FROM public.catalogo_geometrias`)).rows[0].n).toBe(20_000);
    expect((await h.core.store.runs.latest('demo', 'cp3'))!).toMatchObject({ decision: 'COMPLETE' });
  }, 300_000);
});
