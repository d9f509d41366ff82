import type { Logger } from '../logger.js';
import type { Pool } from '../db/pool.js';
import type { AuditEntry } from './audit.js';

export interface AuditBatcher {
  /** Queue an entry, stamped now (wall clock, as the table's default); written with the next batch, at most `flushMs` later. */
  add(entry: AuditEntry): void;
  /** Write what is queued now. */
  flush(): Promise<void>;
  /** Flush and stop: the web process calls it on shutdown. */
  close(): Promise<void>;
}

/**
 * The audit entries of read-only commands (status, help, audit …), written
 * in batches: one INSERT for all of them every `flushMs`, instead of one
 * round trip beside every answer on Slack's 3-second path. Each keeps the
 * time the command arrived. Commands that change things never come here:
 * they are audited before they run. A batch that cannot be written is
 * logged with its entries (a process killed with SIGKILL loses at most
 * `flushMs` of these; SIGTERM flushes).
 */
export function createAuditBatcher(deps: { pool: Pool; logger: Logger; flushMs?: number; maxBatch?: number }): AuditBatcher {
  const flushMs = deps.flushMs ?? 200;
  const maxBatch = deps.maxBatch ?? 200;
  let queued: { entry: AuditEntry; at: Date }[] = [];
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();
  let closed = false;

  const write = async (batch: typeof queued): Promise<void> => {
    try {
      await deps.pool.query(
        `INSERT INTO audit_log (at, actor, action, plan_id, checkpoint_id, run_id, details)
         SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::jsonb[])`,
        [
          batch.map((b) => b.at),
          batch.map((b) => b.entry.actor),
          batch.map((b) => b.entry.action),
          batch.map((b) => b.entry.planId ?? null),
          batch.map((b) => b.entry.checkpointId ?? null),
          batch.map((b) => b.entry.runId ?? null),
          batch.map((b) => JSON.stringify(b.entry.details ?? {})),
        ],
      );
    } catch (err) {
      deps.logger.warn({ err, entries: batch.map((b) => ({ ...b.entry, at: b.at.toISOString() })) }, 'could not write a batch of read-only command audit entries');
    }
  };

  const flush = (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (queued.length === 0) return writing;
    const batch = queued;
    queued = [];
    // One batch at a time, in order.
    writing = writing.then(() => write(batch));
    return writing;
  };

  return {
    add(entry) {
      const at = new Date();
      if (closed) {
        void write([{ entry, at }]);
        return;
      }
      queued.push({ entry, at });
      if (queued.length >= maxBatch) void flush();
      else if (!timer) {
        timer = setTimeout(() => void flush(), flushMs);
        timer.unref();
      }
    },
    flush,
    async close() {
      closed = true;
      await flush();
    },
  };
}
