import type { Pool } from '../db/pool.js';

/**
 * Samples of a stability window (`stability_samples`). A tick writes its
 * sample with ON CONFLICT DO NOTHING on (window, kind, slot): a tick
 * delivered twice stores once, and only the writer goes on to judge alerts.
 */

export type ProbeKind = 'database' | 'application' | 'network';
export type SampleKind = ProbeKind | 'metrics';

export interface SampleInput {
  windowId: string;
  planId: string;
  checkpointId: string;
  environment: string;
  kind: SampleKind;
  slot: number;
  everyMs: number;
  at: Date;
  ok?: boolean | null;
  timedOut?: boolean;
  latencyMs?: number | null;
  error?: string | null;
  figures?: Record<string, unknown>;
}

export interface SampleRecord {
  windowId: string;
  kind: SampleKind;
  slot: number;
  everyMs: number;
  at: Date;
  ok: boolean | null;
  timedOut: boolean;
  latencyMs: number | null;
  error: string | null;
  figures: Record<string, unknown>;
}

export interface SampleQuery {
  planId: string;
  environment: string;
  kinds: SampleKind[];
  from: Date;
  to: Date;
}

export function createSampleStore(pool: Pool) {
  return {
    /** true when this call stored the sample; false when the slot was taken already. */
    async record(s: SampleInput): Promise<boolean> {
      const { rowCount } = await pool.query(
        `INSERT INTO stability_samples (window_id, plan_id, checkpoint_id, environment, kind, slot, every_ms, at, ok, timed_out, latency_ms, error, figures)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         ON CONFLICT (window_id, kind, slot) DO NOTHING`,
        [
          s.windowId,
          s.planId,
          s.checkpointId,
          s.environment,
          s.kind,
          s.slot,
          Math.round(s.everyMs),
          s.at,
          s.ok ?? null,
          s.timedOut ?? false,
          s.latencyMs ?? null,
          s.error ?? null,
          JSON.stringify(s.figures ?? {}),
        ],
      );
      return (rowCount ?? 0) > 0;
    },

    /** Samples of an environment in [from, to), oldest first. */
    async list(q: SampleQuery): Promise<SampleRecord[]> {
      const { rows } = await pool.query(
        `SELECT window_id, kind, slot, every_ms, at, ok, timed_out, latency_ms, error, figures
           FROM stability_samples
          WHERE plan_id = $1 AND environment = $2 AND kind = ANY($3::text[]) AND at >= $4 AND at < $5
          ORDER BY at, kind`,
        [q.planId, q.environment, q.kinds, q.from, q.to],
      );
      return rows.map(toRecord);
    },

    /** The newest sample of a window's kind before `before` (the previous tick, for deltas). */
    async previous(windowId: string, kind: SampleKind, before: Date): Promise<SampleRecord | undefined> {
      const { rows } = await pool.query(
        `SELECT window_id, kind, slot, every_ms, at, ok, timed_out, latency_ms, error, figures
           FROM stability_samples WHERE window_id = $1 AND kind = $2 AND at < $3 ORDER BY at DESC LIMIT 1`,
        [windowId, kind, before],
      );
      return rows[0] ? toRecord(rows[0]) : undefined;
    },
  };
}

function toRecord(row: Record<string, unknown>): SampleRecord {
  return {
    windowId: row.window_id as string,
    kind: row.kind as SampleKind,
    slot: Number(row.slot),
    everyMs: Number(row.every_ms),
    at: row.at as Date,
    ok: (row.ok as boolean | null) ?? null,
    timedOut: row.timed_out === true,
    latencyMs: row.latency_ms === null || row.latency_ms === undefined ? null : Number(row.latency_ms),
    error: (row.error as string | null) ?? null,
    figures: (row.figures as Record<string, unknown>) ?? {},
  };
}

export type SampleStore = ReturnType<typeof createSampleStore>;
