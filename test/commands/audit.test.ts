import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditCommand } from '../../commands/audit.js';
import { DEMO_ENVIRONMENT_DEFAULTS } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';
import { loadPlanRegistry, type PlanRegistry } from '../../src/plan-registry.js';
import { formatLocal } from '../../src/plan/time.js';
import { createAuditStore } from '../../src/store/audit.js';
import { createTestStateDb, type TestStateDb } from '../support/state-db.js';

describe('/golive audit [cpN]', () => {
  let db: TestStateDb;
  let plans: PlanRegistry;
  const now = new Date('2026-02-14T17:00:00Z');
  const request = { userId: 'U0PMG0001', channelId: 'C0GOLIVE', text: 'audit', logger: silentLogger() };

  beforeAll(async () => {
    db = await createTestStateDb('auditcmd');
    plans = await loadPlanRegistry({ planFiles: ['plans/demo.yaml'], rolesFile: 'roles.example.yaml', environments: DEMO_ENVIRONMENT_DEFAULTS });
    const audit = createAuditStore(db.pool);
    await audit.append({ actor: 'U0DBA0001', action: 'command', planId: 'demo', checkpointId: 'cp2', details: { text: 'cp2 signoff' } });
    await audit.append({ actor: 'U0DBA0001', action: 'signoff.signed', planId: 'demo', checkpointId: 'cp2', runId: 3, details: { role: 'dba', runNumber: 2 } });
    await audit.append({ actor: 'U0APP0001', action: 'permission.refused', planId: 'demo', checkpointId: 'cp3', details: { command: 'abort', needed: ['dba', 'cto'] } });
    await audit.append({ actor: 'golive', action: 'gate.opened', planId: 'other', checkpointId: 'cp2', details: {} });
  });
  afterAll(async () => {
    await db?.drop();
  });

  const handler = () => createAuditCommand({ plans, audit: createAuditStore(db.pool), clock: { now: () => now } });

  it('shows the latest entries of the plan, newest first, with times in the plan zone (ephemeral)', async () => {
    const reply = await handler()({ verb: 'audit', planId: 'demo' }, request);
    expect(reply.response_type).toBe('ephemeral');
    const text = JSON.stringify(reply.blocks);
    expect(text).toContain('Times in America/Sao_Paulo (UTC-03:00)');
    const i = (s: string) => text.indexOf(s);
    expect(i('permission.refused')).toBeLessThan(i('signoff.signed'));
    expect(text).toContain('<@U0DBA0001> *signoff.signed* · cp2 run #2 · role dba');
    expect(text).not.toContain('gate.opened');
    const [entry] = await createAuditStore(db.pool).latest({ planId: 'demo', limit: 1 });
    expect(text).toContain(formatLocal(entry!.at, 'America/Sao_Paulo', false));
  });

  it('filters by checkpoint, and says so when there is nothing', async () => {
    const cp3 = await handler()({ verb: 'audit', planId: 'demo', checkpointId: 'cp3' }, request);
    expect(JSON.stringify(cp3.blocks)).toContain('permission.refused');
    expect(JSON.stringify(cp3.blocks)).not.toContain('signoff.signed');
    const cp4 = await handler()({ verb: 'audit', planId: 'demo', checkpointId: 'cp4' }, request);
    expect(cp4.text).toBe('The audit log has no entries for demo cp4 yet.');
  });
});
