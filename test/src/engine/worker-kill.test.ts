import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_URL } from '../../support/constants.js';
import { startHarness, TEST_BOT_TOKEN, TEST_SIGNING_SECRET, type Harness } from '../../support/harness.js';
import { spawnEntry, type Spawned } from '../../support/spawn.js';
import { emptyDatabase, type EmptyDatabase } from '../checks/support.js';
import { ackText, blocksText, DBA, writeEnginePlan, type EnginePlan } from './support.js';

/**
 * A run survives its worker being killed (SIGKILL, no goodbye) in the middle
 * of a check: another worker process takes the job over once its lock
 * expires, each result is recorded once, and the run reaches its decision.
 */
describe('a worker killed mid-run', () => {
  let plan: EnginePlan;
  let db: EmptyDatabase;
  let h: Harness;
  const workers: Spawned[] = [];

  beforeAll(async () => {
    plan = await writeEnginePlan({ sleepSeconds: 6, withoutManual: true });
    db = await emptyDatabase('kill');
    h = await startHarness({ planFiles: [plan.file], environments: { staging: db.url }, worker: false });
  });
  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    await h?.close();
    await db?.drop();
    await plan?.remove();
  });

  const startWorkerProcess = async () => {
    const worker = spawnEntry('test/support/worker-entry.ts', {
      DATABASE_URL: h.stateDb.url,
      REDIS_URL,
      GOLIVE_QUEUE_PREFIX: h.core.config.queuePrefix,
      GOLIVE_PLAN: plan.file,
      GOLIVE_ROLES: 'roles.example.yaml',
      GOLIVE_ENV_STAGING_URL: db.url,
      SLACK_BOT_TOKEN: TEST_BOT_TOKEN,
      SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
      SLACK_API_URL: h.fake.apiUrl,
      LOG_LEVEL: 'info',
    }, ['3000', '1000']);
    workers.push(worker);
    await worker.waitFor(/worker ready/, 30_000);
    return worker;
  };

  /** The slow check's query, seen on the target database. */
  const sleeping = async (): Promise<boolean> => {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      const { rowCount } = await c.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'golive-check' AND query LIKE '%pg_sleep%' AND state = 'active'`);
      return (rowCount ?? 0) > 0;
    } finally {
      await c.end();
    }
  };

  it('is finished by another worker, each result recorded once', async () => {
    const first = await startWorkerProcess();
    expect(ackText(await h.command('cp1 run', DBA))).toMatch(/Run #1 of cp1 started/);
    const run = (await h.core.store.runs.latest('eng', 'cp1'))!;

    await h.fake.waitFor(() => sleeping(), { timeoutMs: 30_000, description: 'the slow check running on the first worker' });
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const before = await h.core.store.runs.results(run.id);
    expect(before.map((r) => r.checkId)).not.toContain('answers');
    expect((await h.core.store.runs.get(run.id))!.status).toBe('running');

    const second = await startWorkerProcess();
    const finished = await h.fake.waitFor(async () => {
      const r = await h.core.store.runs.get(run.id);
      return r?.status === 'complete' && r;
    }, { timeoutMs: 60_000, intervalMs: 250, description: 'the run decided by the second worker' });
    expect(finished.decision).toBe('PASS');

    const results = await h.core.store.runs.results(run.id);
    const ids = results.map((r) => r.checkId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(['answers', 'backup_location', 'cpu', 'db_access', 'disk_space', 'file_forward', 'latency', 'pool'].sort());
    expect(results.find((r) => r.checkId === 'answers')).toMatchObject({ status: 'pass' });
    // The second worker measured the slow check again from the start.
    expect(second.output()).toMatch(/"checks":\["answers"\]/);

    const card = await h.fake.waitFor(() => h.fake.messages().find((m) => /🟢 \*PASS\*/.test(blocksText(m.blocks))), { timeoutMs: 10_000 });
    expect(blocksText(card.blocks)).toMatch(/ENG · CP1 Staging pre-validation · run #1/);
  });
});
