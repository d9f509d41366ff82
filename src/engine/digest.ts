import { createHash } from 'node:crypto';
import { stableStringify } from '../plan/check-types.js';
import type { Check } from '../plan/schema.js';
import type { CheckResultRecord } from '../store/runs.js';

/**
 * The evidence digest of a run: SHA-256 over the canonical JSON (keys sorted)
 * of its automated results ordered by check id. Manual attestations are not
 * in it (they come later and are recorded on their own); sign-offs bind to it,
 * so anyone can recompute it from the stored rows and see nothing changed.
 */
export function evidenceDigest(results: readonly CheckResultRecord[], checks: readonly Pick<Check, 'id' | 'type'>[]): string {
  const manual = new Set(checks.filter((c) => c.type === 'manual').map((c) => c.id));
  const canonical = results
    .filter((r) => !manual.has(r.checkId))
    .map((r) => ({
      check_id: r.checkId,
      criterion_id: r.criterionId,
      status: r.status,
      observed: r.observed ?? null,
      expected: r.expected ?? null,
      message: r.message ?? null,
      evidence: r.evidence ?? null,
    }))
    .sort((a, b) => (a.check_id < b.check_id ? -1 : a.check_id > b.check_id ? 1 : 0));
  return createHash('sha256').update(stableStringify(canonical)).digest('hex');
}
