import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnEntry } from '../../support/spawn.js';
import { createTestStateDb, type TestStateDb } from '../../support/state-db.js';
import { createScratchTarget, fixture, type ScratchTarget } from './support.js';

/** `npm run migrate:file` as a person runs it: a real process, configured only by its environment. */
describe('migrate:file CLI', () => {
  let state: TestStateDb;
  let target: ScratchTarget;
  let env: Record<string, string>;

  beforeAll(async () => {
    state = await createTestStateDb('srcli');
    target = await createScratchTarget('srcli');
    env = { DATABASE_URL: state.url, GOLIVE_ENV_SCRATCH_URL: target.url, LOG_LEVEL: 'warn' };
  });
  afterAll(async () => {
    await target.drop();
    await state.drop();
  });

  it('runs a file on a configured environment, printing each step and its time; exit 0', async () => {
    const cli = spawnEntry('src/bin/migrate-file.ts', env, [fixture('steps.sql'), '--env', 'scratch', '--purpose', 'drill']);
    expect((await cli.exited).code).toBe(0);
    const output = cli.output();
    expect(output).toMatch(/execution \d+ \(golive:drill:\d+\): 3 steps/);
    for (const [i, name] of ['first', 'second', 'third'].entries()) {
      expect(output).toMatch(new RegExp(`${i + 1}/3 ${name}: succeeded in \\d+\\.\\d\\d s`));
    }
    expect(output).toMatch(/execution \d+: succeeded in \d+\.\d\d s/);
    const { rows } = await state.pool.query(`SELECT status, purpose, started_by FROM migration_executions`);
    expect(rows).toEqual([{ status: 'succeeded', purpose: 'drill', started_by: 'cli' }]);
  });

  it('exits 1 on a failing step with the error (redacted), and --inspect shows what the database says', async () => {
    await target.query('TRUNCATE log');
    const cli = spawnEntry('src/bin/migrate-file.ts', env, [fixture('failing.sql'), '--env', 'scratch']);
    expect((await cli.exited).code).toBe(1);
    const output = cli.output();
    expect(output).toMatch(/2\/3 broken: failed in .*\n\s+line 12: invalid input syntax/);
    expect(output).not.toContain('hunter2');
    const id = /execution (\d+): failed/.exec(output)?.[1];
    expect(id).toBeDefined();

    const inspect = spawnEntry('src/bin/migrate-file.ts', env, ['--inspect', id!, '--env', 'scratch']);
    expect((await inspect.exited).code).toBe(0);
    expect(inspect.output()).toContain('1 first: recorded succeeded; verify: took effect');
    expect(inspect.output()).toContain('2 broken: recorded failed; verify: not in effect');
    expect(inspect.output()).toContain('--resume would continue at broken');
  });

  it('refuses an unknown environment with the configured names; exit 2', async () => {
    const cli = spawnEntry('src/bin/migrate-file.ts', env, [fixture('steps.sql'), '--env', 'nowhere']);
    expect((await cli.exited).code).toBe(2);
    expect(cli.output()).toContain('no environment "nowhere"');
    expect(cli.output()).toContain('scratch');
  });
});
