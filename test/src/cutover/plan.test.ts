import { describe, expect, it } from 'vitest';
import { cutoverPlanOf, rollbackLimitAt } from '../../../src/cutover/plan.js';
import { loadPlanRegistry } from '../../../src/plan-registry.js';

/**
 * The seed times a rollback at < 5 min during the cutover (CHECKPOINT 3) and
 * at < 10 min once the stability watch has begun (CHECKPOINT 4: up to 48 h
 * of writes to carry back). golive times each rollback against the one in force.
 */
describe('the rollback limit in force', () => {
  it('is the cutover’s during CHECKPOINT 3 and CHECKPOINT 4’s once its window has begun', async () => {
    const url = 'postgres://nobody@127.0.0.1:1/x';
    const plans = await loadPlanRegistry({ planFiles: ['plans/opt1.yaml'], rolesFile: 'roles.example.yaml', environments: { shadow: url, staging: url, production: url } });
    const cp = cutoverPlanOf(plans, 'opt1');
    const moments = plans.momentContext('opt1');
    // TUE 17/02 13:40 São Paulo (UTC-3): the maintenance window.
    expect(rollbackLimitAt(cp, new Date('2026-02-17T16:40:00Z'), moments)).toEqual({ ms: 5 * 60_000, source: 'cp3 rollback limit' });
    // WED 18/02 10:00: 20 hours into the stability watch.
    expect(rollbackLimitAt(cp, new Date('2026-02-18T13:00:00Z'), moments)).toEqual({ ms: 10 * 60_000, source: 'cp4 ISSUE RESOLUTION REQUIRED' });
  });
});
