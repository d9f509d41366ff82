-- Up Migration
-- The gate between checkpoints. Opening it is announced in the channel once:
-- this row is the "once" (its primary key), written before the post.
CREATE TABLE gate_openings (
  plan_id            text NOT NULL,
  checkpoint_id      text NOT NULL,
  run_id             bigint NOT NULL REFERENCES runs(id),
  evidence_digest    text NOT NULL,
  next_checkpoint_id text,
  next_at            timestamptz,
  -- Whose action completed the gate (the last sign-off, an attestation …).
  opened_by          text NOT NULL,
  opened_at          timestamptz NOT NULL DEFAULT now(),
  channel_id         text,
  message_ts         text,
  PRIMARY KEY (plan_id, checkpoint_id)
);

-- Sign-offs are read per run (the card, the gate) far more than per checkpoint.
CREATE INDEX signoffs_by_run ON signoffs (run_id, signed_at);

-- Down Migration
DROP INDEX IF EXISTS signoffs_by_run;
DROP TABLE IF EXISTS gate_openings;
