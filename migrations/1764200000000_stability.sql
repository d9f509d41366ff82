-- Up Migration
-- The stability window (CHECKPOINT 4's monitoring period, CHECKPOINT 2's 24 h
-- on staging), the daily briefing, alerts and incidents.

-- One row per sample the worker took. A tick delivered twice (BullMQ is at
-- least once, two schedulers after a Redis flush) lands on the same slot and
-- is stored once. kind: a probe (database, application, network) every few
-- seconds, or metrics (query timings, pg_stat_database, host figures) every
-- minute. A slot with no row is a missing sample: never counted as up.
CREATE TABLE stability_samples (
  id            bigserial PRIMARY KEY,
  window_id     text NOT NULL,
  plan_id       text NOT NULL,
  checkpoint_id text NOT NULL,
  environment   text NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('database', 'application', 'network', 'metrics')),
  -- Slot number from the window's start at the sampler's interval.
  slot          bigint NOT NULL,
  every_ms      integer NOT NULL CHECK (every_ms > 0),
  -- The tick's scheduled time (plan time), not when a worker got to it.
  at            timestamptz NOT NULL,
  -- Probes: did it answer. Metrics: null.
  ok            boolean,
  timed_out     boolean NOT NULL DEFAULT false,
  latency_ms    double precision,
  error         text,
  figures       jsonb NOT NULL DEFAULT '{}'::jsonb,
  recorded_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (window_id, kind, slot)
);
CREATE INDEX stability_samples_by_env ON stability_samples (plan_id, environment, kind, at);

-- Alerts: one open alert per plan, environment and metric (the partial
-- unique index), posted when the row is written and cleared once.
CREATE TABLE stability_alerts (
  id          bigserial PRIMARY KEY,
  plan_id     text NOT NULL,
  environment text NOT NULL,
  metric      text NOT NULL,
  severity    text NOT NULL,
  opened_at   timestamptz NOT NULL,
  opened_value jsonb,
  detail      text NOT NULL,
  cleared_at  timestamptz,
  cleared_value jsonb
);
CREATE UNIQUE INDEX stability_alerts_one_open ON stability_alerts (plan_id, environment, metric) WHERE cleared_at IS NULL;

-- The daily briefing: exactly one per plan and day, however many workers
-- run. The row is claimed before posting; only the claimer posts.
CREATE TABLE briefings (
  plan_id       text NOT NULL,
  -- The listed day: its local date (absolute plans) or its local date-time
  -- (the demo's days are minutes apart).
  day           text NOT NULL,
  checkpoint_id text NOT NULL,
  title         text NOT NULL,
  scheduled_for timestamptz NOT NULL,
  claimed_by    text NOT NULL,
  claimed_at    timestamptz NOT NULL,
  channel_id    text NOT NULL,
  posted_at     timestamptz,
  ts            text,
  PRIMARY KEY (plan_id, day)
);

-- What the worker re-creates its BullMQ job schedulers (and the window's
-- evaluation job) from on start: a Redis flush loses no schedule.
CREATE TABLE stability_schedules (
  id            text PRIMARY KEY,
  plan_id       text NOT NULL,
  checkpoint_id text NOT NULL,
  environment   text,
  job_name      text NOT NULL,
  every_ms      bigint,
  pattern       text,
  tz            text,
  starts_at     timestamptz,
  -- No ticks after it; for a one-off job (evaluate-window), when it runs.
  ends_at       timestamptz NOT NULL,
  data          jsonb NOT NULL,
  -- A one-off job that has run is not queued again.
  done_at       timestamptz,
  updated_at    timestamptz NOT NULL DEFAULT now()
);

-- Incidents (table of the first migration): the escalation levels and roles
-- golive mentioned when it was recorded, and the checkpoint it was raised at.
ALTER TABLE incidents
  ADD COLUMN levels integer,
  ADD COLUMN roles text[] NOT NULL DEFAULT '{}',
  ADD COLUMN environment text,
  ADD COLUMN channel_id text;
CREATE INDEX incidents_by_plan ON incidents (plan_id, opened_at);

-- Down Migration
DROP INDEX IF EXISTS incidents_by_plan;
ALTER TABLE incidents DROP COLUMN IF EXISTS levels, DROP COLUMN IF EXISTS roles, DROP COLUMN IF EXISTS environment, DROP COLUMN IF EXISTS channel_id;
DROP TABLE IF EXISTS stability_schedules, briefings, stability_alerts, stability_samples;
