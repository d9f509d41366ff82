import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { emptyDatabase, type EmptyDatabase } from '../src/checks/support.js';
import { ackText, DBA, PM, writeEnginePlan, type EnginePlan } from '../src/engine/support.js';

describe('/golive cp2 migrate (the command)', () => {
  let plan: EnginePlan;
  let db: EmptyDatabase;
  let h: Harness;
  beforeAll(async () => {
    plan = await writeEnginePlan();
    db = await emptyDatabase('migcmd');
    // No worker: only what the web process decides is under test here.
    h = await startHarness({ planFiles: [plan.file], environments: { staging: db.url }, worker: false });
  });
  afterAll(async () => {
    await h?.close();
    await db?.drop();
    await plan?.remove();
  });

  it('is refused to a role the plan does not allow', async () => {
    expect(ackText(await h.command('cp2 migrate', PM))).toMatch(/only Database Administrator .* may `migrate` at cp2/);
  });

  it('is refused while a migration of the environment is still running', async () => {
    const { rows } = await h.core.pool.query(
      `INSERT INTO migration_executions (plan_id, environment, file, file_sha256, purpose, application_name, started_by)
       VALUES ('eng', 'staging', 'eng/forward.sql', $1, 'migrate', 'golive-migrate-x', 'U0DBA0001') RETURNING id`,
      ['0'.repeat(64)],
    );
    expect(ackText(await h.command('cp2 migrate', DBA))).toMatch(new RegExp(`Not started: a migration of staging is still running \\(execution ${rows[0].id}, started by <@U0DBA0001>`));
    await h.core.pool.query(`UPDATE migration_executions SET status = 'interrupted' WHERE id = $1`, [rows[0].id]);
  });

  it('queues the migration once per command, never to be retried on its own', async () => {
    const ack = await h.command('cp2 migrate', DBA);
    expect(ackText(ack)).toMatch(/Migration of staging queued/);
    const jobs = await h.core.queues.get('migrations').getJobs(['waiting', 'delayed', 'active']);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.name).toBe('migrate-staging');
    expect(jobs[0]!.opts.attempts).toBe(1);
    expect(jobs[0]!.data).toMatchObject({ planId: 'eng', checkpointId: 'cp2', environment: 'staging' });
  });
});
