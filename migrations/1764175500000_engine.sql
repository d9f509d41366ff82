-- Up Migration
-- The checks engine's own state.

-- Digests of manifest files marked `sha256: auto`, pinned the first time the
-- plan is loaded (or checked): a file edited afterwards no longer matches.
CREATE TABLE manifest_pins (
  plan_id   text NOT NULL,
  file_id   text NOT NULL,
  sha256    text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  pinned_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (plan_id, file_id)
);

-- Down Migration
DROP TABLE IF EXISTS manifest_pins;
