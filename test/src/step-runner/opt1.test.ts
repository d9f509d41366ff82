import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/clock.js';
import { createDatabaseFromTemplate, dropDatabase } from '../../../src/demo/databases.js';
import { ensureDemoTemplate } from '../../../src/demo/template.js';
import { silentLogger } from '../../../src/logger.js';
import { fromRoot } from '../../../src/paths.js';
import { createStepRunner, type StepRunner } from '../../../src/step-runner/index.js';
import { SERVER_URL } from '../../support/constants.js';
import { createTestStateDb, type TestStateDb } from '../../support/state-db.js';

/** The real OPT1 files through the runner, on a small copy of the demo data set. */
describe('step runner on the OPT1 migration files', () => {
  const serverUrl = `${SERVER_URL}/postgres`;
  const prefix = `golive_t_srdemo_${randomBytes(3).toString('hex')}`;
  const database = `${prefix}_target`;
  const migration = fromRoot('plans', 'opt1', '1770470100_temporal_partitioning_geometrias.sql');
  const autoPartitions = fromRoot('plans', 'opt1', '1770500100_auto_partition_creation_2029_plus.sql');
  const rollback = fromRoot('plans', 'opt1', 'ROLLBACK_OPT1_temporal_partitioning_geometrias.sql');
  let state: TestStateDb;
  let runner: StepRunner;
  let targetUrl: string;
  let template: string;

  beforeAll(async () => {
    state = await createTestStateDb('sropt1');
    runner = createStepRunner({ statePool: state.pool, logger: silentLogger(), clock: systemClock });
    template = (await ensureDemoTemplate({ serverUrl, prefix, rows: 2_000 })).name;
    targetUrl = await createDatabaseFromTemplate(serverUrl, template, database);
  });
  afterAll(async () => {
    await dropDatabase(serverUrl, database);
    await dropDatabase(serverUrl, template);
    await state.drop();
  });

  const run = (file: string, purpose: 'drill' | 'rollback') => runner.run({ file, environment: 'scratch', targetUrl, purpose, planId: 'demo' });
  const summary = (steps: Array<{ name: string; status: string }>) => steps.map((s) => `${s.name}:${s.status}`);

  it('migrates, rolls back and migrates again, every step recorded, under one lock name for the plan', async () => {
    for (let round = 0; round < 2; round++) {
      const forward = await run(migration, 'drill');
      expect(forward.error).toBeUndefined();
      expect(summary(forward.steps)).toEqual(['create_partitions:succeeded', 'copy_data:succeeded', 'create_indexes:succeeded', 'swap_tables:succeeded', 'reindex_analyze:succeeded']);
      const auto = await run(autoPartitions, 'drill');
      expect(auto.status).toBe('succeeded');

      // Every step took effect: an automatic resume of the finished execution would have nothing to do.
      const report = await runner.inspect({ executionId: forward.executionId, targetUrl });
      expect(report.steps.every((s) => s.verified === true)).toBe(true);
      expect(report.resumeAt).toBeUndefined();

      const back = await run(rollback, 'rollback');
      expect(back.error).toBeUndefined();
      expect(summary(back.steps)).toEqual(['swap_back:succeeded', 'drop_migration_objects:succeeded', 'reindex_analyze:succeeded']);
    }
    const { rows } = await state.pool.query(`SELECT DISTINCT lock_name FROM migration_executions`);
    expect(rows).toEqual([{ lock_name: 'golive:opt1' }]);
  });
});
