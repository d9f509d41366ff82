import type { AuditRecord, AuditStore } from '../store/audit.js';

/** One audit entry as a line of the export: stable snake_case keys, ISO times in UTC. */
export function auditJsonLine(e: AuditRecord): string {
  return JSON.stringify({
    id: e.id,
    at: e.at.toISOString(),
    actor: e.actor,
    action: e.action,
    plan_id: e.planId,
    checkpoint_id: e.checkpointId,
    run_id: e.runId,
    details: e.details,
  });
}

/** Every entry, oldest first, one JSON object per line. Returns how many were written. */
export async function exportAudit(audit: Pick<AuditStore, 'all'>, write: (chunk: string) => Promise<void>): Promise<number> {
  let count = 0;
  for await (const entry of audit.all()) {
    await write(`${auditJsonLine(entry)}\n`);
    count += 1;
  }
  return count;
}
