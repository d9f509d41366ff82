-- Up Migration
-- Documents built by `/golive cpN report` (the seed's "Documentation
-- Required"), one row per document and run. The gate reads this table: a
-- checkpoint's required documents must have been generated from the run
-- being signed. A second report of the same run replaces the row (the newer
-- upload is the one that counts); the audit log keeps every request.
CREATE TABLE reports (
  run_id        bigint NOT NULL REFERENCES runs(id),
  plan_id       text NOT NULL,
  checkpoint_id text NOT NULL,
  document_id   text NOT NULL,
  title         text NOT NULL,
  -- 'generated' (from stored evidence) or 'template' (pre-filled, a person completes it).
  kind          text NOT NULL CHECK (kind IN ('generated', 'template')),
  -- SHA-256 of the Markdown document's bytes.
  sha256        text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  -- Slack file id of the Markdown document.
  file_id       text NOT NULL,
  filename      text NOT NULL,
  -- Charts and raw data uploaded with it: [{filename, file_id, sha256, bytes}].
  attachments   jsonb NOT NULL DEFAULT '[]'::jsonb,
  generated_by  text NOT NULL,
  generated_at  timestamptz NOT NULL,
  UNIQUE (run_id, document_id)
);
CREATE INDEX reports_by_checkpoint ON reports (plan_id, checkpoint_id, generated_at DESC);

-- Down Migration
DROP TABLE IF EXISTS reports;
