import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditStore } from '../../../src/store/audit.js';
import { createTestStateDb, type TestStateDb } from '../../support/state-db.js';
import { spawnEntry } from '../../support/spawn.js';

/** `npm run audit:export`: every entry as one JSON object per line, oldest first. */
describe('audit:export', () => {
  let db: TestStateDb;

  beforeAll(async () => {
    db = await createTestStateDb('auditx');
    const audit = createAuditStore(db.pool);
    await audit.append({ actor: 'U0DBA0001', action: 'command', planId: 'demo', checkpointId: 'cp2', details: { text: 'cp2 run' } });
    await audit.append({ actor: 'U0DBA0001', action: 'signoff.signed', planId: 'demo', checkpointId: 'cp2', runId: 7, details: { role: 'dba', note: 'line\nbreak "quoted"' } });
    await audit.append({ actor: 'golive', action: 'gate.opened', planId: 'demo', checkpointId: 'cp2', runId: 7, details: { next: 'cp3' } });
  });
  afterAll(async () => {
    await db?.drop();
  });

  const expectLines = (text: string) => {
    const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.action)).toEqual(['command', 'signoff.signed', 'gate.opened']);
    expect(lines[1]).toMatchObject({ actor: 'U0DBA0001', plan_id: 'demo', checkpoint_id: 'cp2', run_id: 7, details: { role: 'dba', note: 'line\nbreak "quoted"' } });
    expect(new Date(lines[0]!.at as string).toISOString()).toBe(lines[0]!.at);
  };

  it('writes JSON lines to --out FILE', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'golive-audit-'));
    const out = join(dir, 'audit.jsonl');
    try {
      const child = spawnEntry('src/bin/audit-export.ts', { DATABASE_URL: db.url }, ['--out', out]);
      expect((await child.exited).code).toBe(0);
      expect(child.output()).toContain('exported 3 audit entries');
      expectLines(readFileSync(out, 'utf8'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes JSON lines to stdout', async () => {
    const child = spawnEntry('src/bin/audit-export.ts', { DATABASE_URL: db.url });
    let stdout = '';
    child.child.stdout!.on('data', (d) => (stdout += d));
    expect((await child.exited).code).toBe(0);
    expectLines(stdout);
  });

  it('refuses unknown arguments plainly', async () => {
    const child = spawnEntry('src/bin/audit-export.ts', { DATABASE_URL: db.url }, ['--bogus']);
    expect((await child.exited).code).toBe(1);
    expect(child.output()).toContain('usage: npm run audit:export');
  });
});
