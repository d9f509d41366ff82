import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinAutoManifests } from '../../../src/engine/pins.js';
import { silentLogger } from '../../../src/logger.js';
import { loadPlanRegistry, type PlanRegistry } from '../../../src/plan-registry.js';
import { createStore, type Store } from '../../../src/store/index.js';
import { createTestStateDb, type TestStateDb } from '../../support/state-db.js';
import { UNREACHABLE_URL } from '../checks/support.js';
import { writeEnginePlan, type EnginePlan } from './support.js';

describe('pinning `sha256: auto` manifest files at load', () => {
  let plan: EnginePlan;
  let db: TestStateDb;
  let store: Store;
  let plans: PlanRegistry;
  beforeAll(async () => {
    plan = await writeEnginePlan();
    db = await createTestStateDb('pins');
    store = createStore(db.pool);
    plans = await loadPlanRegistry({ planFiles: [plan.file], rolesFile: 'roles.example.yaml', environments: { staging: UNREACHABLE_URL } });
  });
  afterAll(async () => {
    await db.drop();
    await plan.remove();
  });

  it('pins each auto file once; a later edit does not move the pin', async () => {
    const forward = path.join(plan.dir, 'eng', 'forward.sql');
    await pinAutoManifests(plans, store.pins, silentLogger());
    const first = await store.pins.get('eng', 'forward');
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(await store.pins.get('eng', 'rollback')).toMatch(/^[0-9a-f]{64}$/);

    await writeFile(forward, 'SELECT 2; -- edited after approval\n');
    await pinAutoManifests(plans, store.pins, silentLogger());
    expect(await store.pins.get('eng', 'forward')).toBe(first);
    expect(first).not.toBe(createHash('sha256').update('SELECT 2; -- edited after approval\n').digest('hex'));
  });
});
