import { describe, expect, it } from 'vitest';
import { evidenceDigest } from '../../../src/engine/digest.js';
import type { CheckResultRecord } from '../../../src/store/runs.js';

const row = (checkId: string, observed: unknown, extra: Partial<CheckResultRecord> = {}): CheckResultRecord => ({
  runId: 1, checkId, criterionId: 'c', status: 'pass', observed, expected: null, message: 'ok', evidence: { a: 1, b: [1, 2] }, durationMs: 3, recordedAt: new Date(), ...extra,
});
const checks = [{ id: 'a', type: 'sql' }, { id: 'b', type: 'latency' }, { id: 'm', type: 'manual' }];

describe('evidence digest', () => {
  it('is the same whatever the order of rows and keys, and ignores timing and record time', () => {
    const one = evidenceDigest([row('a', { x: 1, y: 2 }), row('b', { z: 3 })], checks);
    const two = evidenceDigest([row('b', { z: 3 }, { durationMs: 99, recordedAt: new Date(0) }), row('a', { y: 2, x: 1 })], checks);
    expect(one).toMatch(/^[0-9a-f]{64}$/);
    expect(two).toBe(one);
  });

  it('changes when a figure or a status changes', () => {
    const base = evidenceDigest([row('a', { x: 1 })], checks);
    expect(evidenceDigest([row('a', { x: 2 })], checks)).not.toBe(base);
    expect(evidenceDigest([row('a', { x: 1 }, { status: 'fail' })], checks)).not.toBe(base);
  });

  it('leaves manual checks out (their attestation is recorded on its own)', () => {
    const base = evidenceDigest([row('a', { x: 1 })], checks);
    expect(evidenceDigest([row('a', { x: 1 }), row('m', { attested: false }, { status: 'pending' })], checks)).toBe(base);
  });
});
