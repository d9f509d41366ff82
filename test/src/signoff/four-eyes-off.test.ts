import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../support/harness.js';
import { U, attest, auditActions, cardOf, click, insertRun, liveSignoffs, postCard, writePlanVariant, writeRolesVariant } from './support.js';

/**
 * A plan that allows one person to sign several roles of a checkpoint
 * (allow_same_person_multiple_roles: true). The person who started the run
 * still cannot be its only approver.
 */
describe('sign-offs with four eyes off', () => {
  let h: Harness;
  const planFile = writePlanVariant('allow_same_person_multiple_roles: false', 'allow_same_person_multiple_roles: true');
  const rolesFile = writeRolesVariant({ multiAlsoPm: true });

  beforeAll(async () => {
    h = await startHarness({ planFiles: [planFile], rolesFile, worker: false });
  });
  afterAll(async () => {
    await h?.close();
    for (const file of [planFile, rolesFile]) rmSync(dirname(file), { recursive: true, force: true });
  });

  it('lets one person sign two roles of the same run', async () => {
    const run = await insertRun(h.core.pool, { checkpointId: 'cp2', decision: 'GO', kind: 'go', outcome: 'go', startedBy: U.qa });
    const card = await postCard(h, 'cp2', run.id);
    expect(await click(h, U.multi, card, 'signoff_sign_dba')).toContain('as Database Administrator');
    expect(await click(h, U.multi, await cardOf(h, 'cp2', run.id), 'signoff_sign_infra')).toContain('as Infrastructure Team');
    expect((await liveSignoffs(h.core.pool, run.id)).map((s) => [s.role, s.user_id])).toEqual([
      ['dba', U.multi],
      ['infra', U.multi],
    ]);
  });

  it('refuses the person who started the run as its only approver, and opens the gate once another signs', async () => {
    const run = await insertRun(h.core.pool, { checkpointId: 'cp1', decision: 'PASS', kind: 'go', outcome: 'pass', startedBy: U.multi });
    await attest(h.core.pool, run.id, ['alert_rules', 'backup_monitoring']);
    const card = await postCard(h, 'cp1', run.id);
    await click(h, U.multi, card, 'signoff_sign_dba');
    await click(h, U.multi, await cardOf(h, 'cp1', run.id), 'signoff_sign_infra');
    const refused = await click(h, U.multi, await cardOf(h, 'cp1', run.id), 'signoff_sign_pm');
    expect(refused).toContain('cannot be its only approver');
    expect(await auditActions(h.core.pool, run.id)).toContainEqual(expect.objectContaining({ action: 'signoff.refused', details: expect.objectContaining({ reason: 'only_approver' }) }));
    expect(await h.core.store.gates.get('demo', 'cp1')).toBeUndefined();

    expect(await click(h, U.pm, await cardOf(h, 'cp1', run.id), 'signoff_sign_pm')).toContain('as Project Manager');
    await h.fake.waitFor(() => h.fake.messages().some((m) => m.text.includes('demo cp1 passed its gate')), { description: 'the gate announcement' });
    expect(await h.core.store.gates.get('demo', 'cp1')).toMatchObject({ runId: run.id, openedBy: U.pm });
  });
});
