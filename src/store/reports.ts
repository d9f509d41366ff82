import type { Pool } from '../db/pool.js';

/**
 * Documents `/golive cpN report` uploaded (`reports`, migration
 * 1764210000000): one row per run and document. What the gate reads to know
 * that a checkpoint's documents were generated from the run being signed.
 */

export interface ReportAttachment {
  filename: string;
  fileId: string;
  sha256: string;
  bytes: number;
}

export interface ReportRecord {
  runId: number;
  planId: string;
  checkpointId: string;
  documentId: string;
  title: string;
  kind: 'generated' | 'template';
  sha256: string;
  fileId: string;
  filename: string;
  attachments: ReportAttachment[];
  generatedBy: string;
  generatedAt: Date;
}

const COLUMNS = 'run_id, plan_id, checkpoint_id, document_id, title, kind, sha256, file_id, filename, attachments, generated_by, generated_at';

export function createReportStore(pool: Pool) {
  return {
    /** Insert, or replace the run's earlier upload of the same document. */
    async record(r: ReportRecord): Promise<void> {
      await pool.query(
        `INSERT INTO reports (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT (run_id, document_id) DO UPDATE SET title = EXCLUDED.title, kind = EXCLUDED.kind, sha256 = EXCLUDED.sha256,
           file_id = EXCLUDED.file_id, filename = EXCLUDED.filename, attachments = EXCLUDED.attachments,
           generated_by = EXCLUDED.generated_by, generated_at = EXCLUDED.generated_at`,
        [r.runId, r.planId, r.checkpointId, r.documentId, r.title, r.kind, r.sha256, r.fileId, r.filename, JSON.stringify(r.attachments), r.generatedBy, r.generatedAt],
      );
    },

    async forRun(runId: number): Promise<ReportRecord[]> {
      const { rows } = await pool.query(`SELECT ${COLUMNS} FROM reports WHERE run_id = $1 ORDER BY document_id`, [runId]);
      return rows.map(toRecord);
    },

    /** Ids of the documents generated from this run. */
    async documentIdsForRun(runId: number): Promise<Set<string>> {
      const { rows } = await pool.query<{ document_id: string }>(`SELECT document_id FROM reports WHERE run_id = $1`, [runId]);
      return new Set(rows.map((r) => r.document_id));
    },
  };
}

function toRecord(row: Record<string, unknown>): ReportRecord {
  return {
    runId: Number(row.run_id),
    planId: row.plan_id as string,
    checkpointId: row.checkpoint_id as string,
    documentId: row.document_id as string,
    title: row.title as string,
    kind: row.kind as ReportRecord['kind'],
    sha256: row.sha256 as string,
    fileId: row.file_id as string,
    filename: row.filename as string,
    attachments: (row.attachments as ReportAttachment[]) ?? [],
    generatedBy: row.generated_by as string,
    generatedAt: row.generated_at as Date,
  };
}

export type ReportStore = ReturnType<typeof createReportStore>;
