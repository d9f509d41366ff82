-- Up Migration
-- golive's own state. Redis holds queues only: every decision, sign-off and
-- step state lives here before anyone is told about it.

-- Plans seen by this installation. demo_start_at anchors the demo plan's
-- relative times; it is recorded once, when the plan is first loaded.
CREATE TABLE plans (
  id            text PRIMARY KEY,
  title         text NOT NULL,
  file          text NOT NULL,
  digest        text NOT NULL,
  first_loaded_at timestamptz NOT NULL DEFAULT now(),
  last_loaded_at  timestamptz NOT NULL DEFAULT now(),
  demo_start_at timestamptz
);

-- Slack may deliver the same request twice (retries, double submits): the key
-- (trigger_id, or a retry's original id) makes the second one a no-op.
CREATE TABLE slack_deliveries (
  key         text PRIMARY KEY,
  kind        text NOT NULL,
  user_id     text,
  received_at timestamptz NOT NULL DEFAULT now()
);

-- One evaluation of a checkpoint.
CREATE TABLE runs (
  id              bigserial PRIMARY KEY,
  plan_id         text NOT NULL,
  checkpoint_id   text NOT NULL,
  number          integer NOT NULL,
  environment     text,
  status          text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'complete', 'failed', 'cancelled')),
  decision        text,
  decision_kind   text,
  decision_detail jsonb,
  evidence_digest text,
  started_by      text NOT NULL,
  started_at      timestamptz NOT NULL DEFAULT now(),
  finished_at     timestamptz,
  channel_id      text,
  message_ts      text,
  request_key     text UNIQUE,
  UNIQUE (plan_id, checkpoint_id, number)
);
-- At most one run of a checkpoint in progress, enforced by the database.
CREATE UNIQUE INDEX runs_one_running ON runs (plan_id, checkpoint_id) WHERE status = 'running';
CREATE INDEX runs_latest ON runs (plan_id, checkpoint_id, id DESC);

-- Each check's outcome, recorded once per run even when a job is delivered twice.
CREATE TABLE check_results (
  run_id      bigint NOT NULL REFERENCES runs(id),
  check_id    text NOT NULL,
  criterion_id text NOT NULL,
  status      text NOT NULL CHECK (status IN ('pass', 'fail', 'error', 'skipped', 'pending')),
  observed    jsonb,
  expected    jsonb,
  message     text,
  evidence    jsonb,
  duration_ms integer,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, check_id)
);

-- Manual checks attested by a role holder, bound to the run they attest for.
CREATE TABLE attestations (
  id          bigserial PRIMARY KEY,
  run_id      bigint NOT NULL REFERENCES runs(id),
  check_id    text NOT NULL,
  role        text NOT NULL,
  user_id     text NOT NULL,
  outcome     text NOT NULL DEFAULT 'pass' CHECK (outcome IN ('pass', 'fail')),
  note        text,
  attested_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (run_id, check_id)
);

-- Sign-offs: one live sign-off per role and run; a withdrawn one stays as history.
CREATE TABLE signoffs (
  id              bigserial PRIMARY KEY,
  plan_id         text NOT NULL,
  checkpoint_id   text NOT NULL,
  run_id          bigint NOT NULL REFERENCES runs(id),
  role            text NOT NULL,
  user_id         text NOT NULL,
  evidence_digest text NOT NULL,
  signed_at       timestamptz NOT NULL DEFAULT now(),
  withdrawn_at    timestamptz,
  withdrawn_by    text
);
CREATE UNIQUE INDEX signoffs_one_live ON signoffs (run_id, role) WHERE withdrawn_at IS NULL;
CREATE INDEX signoffs_by_checkpoint ON signoffs (plan_id, checkpoint_id);

-- CONDITIONAL outcomes: an owner and a mitigation per failed criterion.
CREATE TABLE mitigations (
  run_id          bigint NOT NULL REFERENCES runs(id),
  criterion_id    text NOT NULL,
  owner           text NOT NULL,
  mitigation      text NOT NULL,
  retest_deadline timestamptz,
  recorded_by     text NOT NULL,
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, criterion_id)
);

-- Messages golive posted and keeps updating (run cards, sign-off cards, the
-- cutover message). The key makes a re-delivered job update, not re-post.
CREATE TABLE posted_messages (
  key        text PRIMARY KEY,
  channel_id text NOT NULL,
  ts         text,
  kind       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The step runner's record: one execution of a migration file on an environment…
CREATE TABLE migration_executions (
  id               bigserial PRIMARY KEY,
  plan_id          text,
  environment      text NOT NULL,
  file             text NOT NULL,
  file_sha256      text NOT NULL,
  purpose          text NOT NULL,
  status           text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed', 'interrupted', 'aborted')),
  application_name text NOT NULL,
  started_by       text,
  started_at       timestamptz NOT NULL DEFAULT now(),
  finished_at      timestamptz,
  error            text
);
-- …and each step of it, written before the next step starts.
CREATE TABLE migration_steps (
  execution_id bigint NOT NULL REFERENCES migration_executions(id),
  ordinal      integer NOT NULL,
  step_name    text NOT NULL,
  status       text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'skipped', 'interrupted')),
  started_at   timestamptz NOT NULL,
  finished_at  timestamptz,
  duration_ms  integer,
  error        text,
  PRIMARY KEY (execution_id, step_name)
);

-- "Before" query timings, one baseline per plan, environment and query.
CREATE TABLE baselines (
  plan_id        text NOT NULL,
  environment    text NOT NULL,
  query_id       text NOT NULL,
  median_ms      double precision NOT NULL,
  p95_ms         double precision NOT NULL,
  samples        jsonb NOT NULL,
  server_version text,
  captured_by    text NOT NULL,
  captured_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (plan_id, environment, query_id)
);

CREATE TABLE incidents (
  id          bigserial PRIMARY KEY,
  plan_id     text NOT NULL,
  severity    text NOT NULL,
  text        text NOT NULL,
  opened_by   text NOT NULL,
  opened_at   timestamptz NOT NULL DEFAULT now(),
  resolved_by text,
  resolved_at timestamptz,
  request_key text UNIQUE
);

-- The audit trail. Append-only, and the database itself refuses to rewrite it.
CREATE TABLE audit_log (
  id            bigserial PRIMARY KEY,
  at            timestamptz NOT NULL DEFAULT now(),
  actor         text NOT NULL,
  action        text NOT NULL,
  plan_id       text,
  checkpoint_id text,
  run_id        bigint,
  details       jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_log_by_checkpoint ON audit_log (plan_id, checkpoint_id, id DESC);

CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

-- Down Migration
DROP TABLE IF EXISTS audit_log, incidents, baselines, migration_steps, migration_executions,
  posted_messages, mitigations, signoffs, attestations, check_results, runs, slack_deliveries, plans;
DROP FUNCTION IF EXISTS audit_log_refuse_change();
