import { describe, expect, it } from 'vitest';
import { executeGroup } from '../../../src/checks/execute.js';
import { implementedTypes } from '../../../src/checks/index.js';
import { judge } from '../../../src/checks/judge.js';
import { CHECK_TYPE_IDS } from '../../../src/plan/check-types.js';
import { baseContext, checkOf } from './support.js';

describe('executing checks', () => {
  it('reports every type without a module as skipped: not implemented', async () => {
    const missing = CHECK_TYPE_IDS.filter((t) => !implementedTypes().includes(t));
    for (const type of missing) {
      const check = checkOf(type, {});
      const outcome = (await executeGroup([check], baseContext())).get(check.id)!;
      expect(outcome, type).toMatchObject({ status: 'skipped', message: 'not implemented' });
    }
  });

  it('leaves a manual check pending until someone attests it', async () => {
    const check = checkOf('manual', { instructions: 'Brief the team' });
    const outcome = (await executeGroup([check], baseContext())).get(check.id)!;
    expect(outcome).toMatchObject({ status: 'pending', observed: { attested: false } });
  });

  it('turns invalid params into an error, not a crash', async () => {
    const check = checkOf('latency', { samples: 'many' });
    const outcome = (await executeGroup([check], baseContext())).get(check.id)!;
    expect(outcome.status).toBe('error');
    expect(outcome.message).toMatch(/invalid params for latency/);
  });
});

describe('judging against the plan’s expectations', () => {
  const raw = { status: 'pass' as const, observed: { avg_ms: 62, p95_ms: 80 }, evidence: {}, message: 'average 62 ms' };

  it('fails on an unmet expectation with observed vs expected', () => {
    const out = judge({ type: 'latency', expect: { op: '<', value: 50, unit: 'ms' } } as never, raw, 10);
    expect(out.status).toBe('fail');
    expect(out.message).toBe('62 ms, target < 50 ms');
  });

  it('names a figure other than the primary one', () => {
    const out = judge({ type: 'latency', expect: [{ op: '<', value: 100, unit: 'ms' }, { metric: 'p95_ms', op: '<', value: 70, unit: 'ms' }] } as never, raw, 10);
    expect(out.message).toBe('p95_ms 80 ms, target < 70 ms');
  });

  it('shows an advisory shortfall without failing', () => {
    const out = judge({ type: 'latency', expect: { op: '<', value: 50, unit: 'ms', advisory: true } } as never, raw, 10);
    expect(out.status).toBe('pass');
    expect(out.message).toBe('average 62 ms (advisory: 62 ms, target < 50 ms)');
  });

  it('keeps a module’s own failure whatever the expectations say', () => {
    const out = judge({ type: 'latency', expect: { op: '<', value: 100, unit: 'ms' } } as never, { ...raw, status: 'error', message: 'boom' }, 10);
    expect(out).toMatchObject({ status: 'error', message: 'boom' });
  });
});
