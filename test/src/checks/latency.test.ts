import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeGroup } from '../../../src/checks/execute.js';
import { baseContext, checkOf, emptyDatabase, UNREACHABLE_URL, type EmptyDatabase } from './support.js';

describe('latency check', () => {
  let db: EmptyDatabase;
  beforeAll(async () => {
    db = await emptyDatabase('lat');
  });
  afterAll(async () => {
    await db.drop();
  });

  it('averages N round trips and passes under the threshold', async () => {
    const check = checkOf('latency', { samples: 5, interval: '1ms' }, { expect: { op: '<', value: 50, unit: 'ms' } });
    const outcome = (await executeGroup([check], baseContext({ targetUrl: db.url }))).get(check.id)!;
    expect(outcome.status).toBe('pass');
    expect(outcome.observed.failed).toBe(0);
    expect((outcome.evidence.round_trips_ms as number[]).length).toBe(5);
    expect(outcome.expected).toEqual([{ text: '< 50 ms', met: true, advisory: false }]);
  });

  it('fails with observed against expected when the average is over the threshold', async () => {
    // No local round trip takes less than a nanosecond: the threshold cannot be met.
    const check = checkOf('latency', { samples: 3, interval: '1ms' }, { expect: { op: '<', value: 0.000001, unit: 'ms' } });
    const outcome = (await executeGroup([check], baseContext({ targetUrl: db.url }))).get(check.id)!;
    expect(outcome.status).toBe('fail');
    expect(outcome.message).toMatch(/ms, target < 0\.00 ms$|ms, target < 1e-6 ms$|ms, target < [\d.e-]+ ms$/);
  });

  it('errors when the database cannot be reached', async () => {
    const check = checkOf('latency', { samples: 3 }, { expect: { op: '<', value: 50, unit: 'ms' } });
    const outcome = (await executeGroup([check], baseContext({ targetUrl: UNREACHABLE_URL }))).get(check.id)!;
    expect(outcome.status).toBe('error');
    expect(outcome.message).toMatch(/connection refused/);
  });
});
