import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnEntry } from '../../support/spawn.js';
import { createTestStateDb, testQueuePrefix, type TestStateDb } from '../../support/state-db.js';
import { deleteQueueKeys } from '../../support/harness.js';
import { REDIS_URL } from '../../support/constants.js';

/** The entry points as real processes: start-up refusals and graceful shutdown. */
// Each case starts a real process (tsx compiles on the fly), so allow minutes, not seconds.
describe('golive processes', { timeout: 180_000 }, () => {
  let db: TestStateDb;
  const prefix = testQueuePrefix('proc');
  beforeAll(async () => {
    db = await createTestStateDb('proc');
  });
  afterAll(async () => {
    await db?.drop();
    await deleteQueueKeys(prefix);
  });

  const baseEnv = () => ({
    DATABASE_URL: db.url,
    REDIS_URL,
    GOLIVE_QUEUE_PREFIX: prefix,
    SLACK_BOT_TOKEN: 'xoxb-test',
    SLACK_SIGNING_SECRET: 'secret',
    SLACK_API_URL: 'http://127.0.0.1:9/api/',
    PORT: '0',
    LOG_LEVEL: 'info',
  });

  it('refuses a bad configuration with exit 1 and every problem listed', async () => {
    const proc = spawnEntry('src/bin/web.ts', { ...baseEnv(), PORT: 'eighty', REDIS_URL: 'nope', DATABASE_URL: 'postgres://u:hunter2@/x', GOLIVE_PLAN: ' , ' });
    const { code } = await proc.exited;
    expect(code).toBe(1);
    expect(proc.output()).toMatch(/PORT: /);
    expect(proc.output()).toMatch(/REDIS_URL: /);
    expect(proc.output()).toMatch(/GOLIVE_PLAN: /);
    expect(proc.output()).not.toContain('hunter2');
  });

  it('refuses an invalid plan file, naming the file, the path in it and the problem', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'golive-plan-'));
    const bad = path.join(dir, 'bad.yaml');
    const text = readFileSync('plans/demo.yaml', 'utf8').replace(/^id: demo$/m, 'id: Demo Plan!');
    writeFileSync(bad, text);
    const proc = spawnEntry('src/bin/worker.ts', { ...baseEnv(), GOLIVE_PLAN: bad });
    const { code } = await proc.exited;
    expect(code).toBe(1);
    expect(proc.output()).toContain(`${bad}: id: expected a plan id`);
  });

  it('refuses a roles file that lacks a role the plan names', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'golive-roles-'));
    const roles = path.join(dir, 'roles.yaml');
    writeFileSync(roles, 'roles:\n  dba: { users: [U0DBA0001] }\n');
    const proc = spawnEntry('src/bin/worker.ts', { ...baseEnv(), GOLIVE_ROLES: roles });
    const { code } = await proc.exited;
    expect(code).toBe(1);
    expect(proc.output()).toMatch(/role "infra" is not in the roles file/);
  });

  it.each(['src/bin/web.ts', 'src/bin/worker.ts', 'src/bin/start.ts'])('%s shuts down cleanly on SIGTERM', async (entry) => {
    const proc = spawnEntry(entry, baseEnv());
    await proc.waitFor(/web listening|worker started|web and worker running/);
    proc.child.kill('SIGTERM');
    const { code } = await proc.exited;
    expect(code).toBe(0);
    await proc.closed;
    const out = proc.output();
    expect(out).toMatch(/shutdown complete/);
    // The steps close in order: HTTP first, workers before Redis, pools last.
    // By the order each line records: at exit the last lines may reach the pipe's reader out of order.
    const closed = out
      .split('\n')
      .filter((l) => l.includes('"msg":"closed"'))
      .map((l) => JSON.parse(l) as { step: string; order: number })
      .sort((a, b) => a.order - b.order)
      .map((l) => l.step);
    const expected = entry === 'src/bin/web.ts' ? ['http', 'state and queues'] : entry === 'src/bin/worker.ts' ? ['workers', 'metrics endpoint', 'worker redis', 'state and queues'] : ['http', 'workers', 'worker redis', 'state and queues'];
    expect(closed, out).toEqual(expected);
  });
});
