-- Up Migration
-- The cutover (CHECKPOINT 3): the timed production migration, its rehearsal on
-- staging and a rollback on its own. One row per attempt, written before the
-- target is touched; the step runner's own records (migration_executions)
-- hold each step, this row holds what the cutover made of them.

CREATE TABLE cutovers (
  id                    bigserial PRIMARY KEY,
  plan_id               text NOT NULL,
  checkpoint_id         text NOT NULL,
  environment           text NOT NULL,
  -- cutover: production; rehearsal: the same procedure on staging; rollback: the rollback file alone.
  kind                  text NOT NULL CHECK (kind IN ('cutover', 'rehearsal', 'rollback')),
  status                text NOT NULL CHECK (status IN (
                          'awaiting_confirmation', 'queued', 'running', 'interrupted',
                          'completed', 'aborted', 'rolled_back', 'failed', 'cancelled')),
  -- The plan's cutover phase it is in (start_window, migration, validation …) or rollback.
  phase                 text,
  current_step          text,
  started_by            text NOT NULL,
  confirmed_by          text,
  channel_id            text,
  -- The live message, updated in place.
  message_ts            text,
  -- A command delivered twice finds the row it created.
  request_key           text UNIQUE,
  -- Plan time (the injected clock).
  created_at            timestamptz NOT NULL,
  confirmed_at          timestamptz,
  started_at            timestamptz,
  -- Thresholds are counted from here (counted_from: migration_start).
  migration_started_at  timestamptz,
  migration_finished_at timestamptz,
  finished_at           timestamptz,
  -- Liveness of the worker running it: the state DB's clock, never the injected one.
  heartbeat_at          timestamptz,
  abort_requested_at    timestamptz,
  abort_requested_by    text,
  abort_reason          text,
  -- The step runner's executions, in order (apply files, resumes, the rollback).
  execution_ids         bigint[] NOT NULL DEFAULT '{}',
  -- Index into the plan's migration.apply of the file being run.
  file_index            integer NOT NULL DEFAULT 0,
  rollback_execution_id bigint REFERENCES migration_executions(id),
  -- The PROCEED run this start relied on, and the cp3 run the cutover produced.
  pre_cutover_run_id    bigint REFERENCES runs(id),
  validation_run_id     bigint REFERENCES runs(id),
  final_state           text CHECK (final_state IN ('completed', 'aborted', 'rolled_back', 'failed')),
  final_reason          text,
  downtime_ms           bigint,
  -- Row count, content checksum and indexes of the target table before the migration.
  snapshot              jsonb,
  rollback_report       jsonb,
  validation            jsonb,
  -- What each action item found (in-flight queries, locks, …), keyed by phase and item.
  detail                jsonb NOT NULL DEFAULT '{}'::jsonb
);
-- One cutover at a time per plan and environment, enforced by the database: a
-- second start while one waits, runs or lies interrupted is refused.
CREATE UNIQUE INDEX cutovers_one_active ON cutovers (plan_id, environment)
  WHERE status IN ('awaiting_confirmation', 'queued', 'running', 'interrupted');
CREATE INDEX cutovers_latest ON cutovers (plan_id, kind, id DESC);

-- Each threshold of a cutover is posted once: the row is written before the
-- post, and only the writer posts.
CREATE TABLE cutover_thresholds (
  cutover_id  bigint NOT NULL REFERENCES cutovers(id),
  action      text NOT NULL CHECK (action IN ('assess', 'consider_abort', 'hard_stop_rollback')),
  after_ms    bigint NOT NULL,
  posted_at   timestamptz NOT NULL,
  channel_id  text,
  ts          text,
  -- The DBA's answer at assess / consider abort.
  decision    text CHECK (decision IN ('continue', 'abort')),
  decided_by  text,
  decided_at  timestamptz,
  PRIMARY KEY (cutover_id, action)
);

-- Manual items of the cutover's phases, confirmed with a button by the role the plan names.
CREATE TABLE cutover_items (
  cutover_id   bigint NOT NULL REFERENCES cutovers(id),
  phase        text NOT NULL,
  item_index   integer NOT NULL,
  text         text NOT NULL,
  role         text,
  reached_at   timestamptz NOT NULL,
  confirmed_by text,
  confirmed_at timestamptz,
  PRIMARY KEY (cutover_id, phase, item_index)
);

-- The pre-cutover timeline: one window per day it runs (the first, and each
-- DELAY +24 h). Workers re-create the slots' delayed jobs from these rows.
CREATE TABLE precutover_windows (
  plan_id      text NOT NULL,
  checkpoint_id text NOT NULL,
  -- Offset of this window from the plan's own times (0, then +24 h after a DELAY).
  shift_ms     bigint NOT NULL,
  run_id       bigint REFERENCES runs(id),
  decided_at   timestamptz,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (plan_id, checkpoint_id, shift_ms)
);

-- Down Migration
DROP TABLE IF EXISTS precutover_windows, cutover_items, cutover_thresholds, cutovers;
