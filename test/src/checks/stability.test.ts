import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeGroup } from '../../../src/checks/execute.js';
import type { Check } from '../../../src/plan/schema.js';
import { createTestStateDb, type TestStateDb } from '../../support/state-db.js';
import { baseContext, planWith, UNREACHABLE_URL } from './support.js';

/**
 * The stability check sampling by itself (`source: inline`, the demo's
 * one-minute windows), here over two seconds: a reachable database answers
 * every probe; an unreachable one is down for the whole window; the
 * application probe follows an endpoint. Stored samples need golive's state.
 */
describe('stability check, inline', () => {
  let db: TestStateDb;
  beforeAll(async () => {
    db = await createTestStateDb('stabinline');
  });
  afterAll(async () => {
    await db?.drop();
  });

  const check = (id: string, params: Record<string, unknown>, expect?: unknown): Check =>
    ({ id, title: id, source: 'test', type: 'stability', params, optional: false, ...(expect ? { expect } : {}) }) as unknown as Check;
  const inline = { source: 'inline', window: '2s', sample_every: '250ms' };

  it('counts every probe of a reachable database as up, with its latency', async () => {
    const uptime = check('uptime', { ...inline, probe: 'database' }, { metric: 'availability_pct', op: '>=', value: 99.99 });
    const errors = check('errors', { ...inline, probe: 'database' }, { metric: 'error_rate_pct', op: '<', value: 0.1 });
    const out = await executeGroup([uptime, errors], baseContext({ targetUrl: db.url }));
    const u = out.get('uptime')!;
    expect(u.status).toBe('pass');
    expect(u.observed).toMatchObject({ samples: 8, availability_pct: 100, downtime_ms: 0, errors: 0, error_rate_pct: 0, timeouts: 0 });
    expect(u.observed.p99_ms).toBeGreaterThan(0);
    expect(out.get('errors')!.status).toBe('pass');
  });

  it('fails an unreachable database for the whole window', async () => {
    const out = await executeGroup([check('net', { ...inline, probe: 'network' }, { metric: 'availability_pct', op: '==', value: 100 })], baseContext({ targetUrl: UNREACHABLE_URL }));
    const r = out.get('net')!;
    expect(r.status).toBe('fail');
    expect(r.observed).toMatchObject({ samples: 8, availability_pct: 0, errors: 8, downtime_ms: 2_000 });
    expect(r.evidence.errors).toEqual([expect.stringMatching(/connection refused/)]);
  });

  it('probes the application through the plan endpoint', async () => {
    const plan = planWith({ endpoints: { application: { url: '/healthz' } } });
    const app = check('app', { ...inline, probe: 'application', endpoint: 'application' }, { metric: 'availability_pct', op: '>=', value: 99.95 });
    const noServer = await executeGroup([app], baseContext({ plan }));
    expect(noServer.get('app')).toMatchObject({ status: 'error' });
    expect(noServer.get('app')!.message).toMatch(/golive's own server whose address is not known/);
    const down = await executeGroup([app], baseContext({ plan, selfBaseUrl: 'http://127.0.0.1:1' }));
    expect(down.get('app')).toMatchObject({ status: 'fail', observed: expect.objectContaining({ availability_pct: 0 }) });
  });

  it('says plainly when stored samples cannot be read', async () => {
    const out = await executeGroup([check('s', { source: 'samples', window: '24h', probe: 'database' }, { metric: 'availability_pct', op: '>=', value: 99 })], baseContext());
    expect(out.get('s')).toMatchObject({ status: 'error', message: 'this golive gave the check no access to stored stability samples' });
  });
});
