-- Up Migration
-- What the step runner needs beyond the first schema to find, end and resume
-- an execution a crashed worker left behind.

ALTER TABLE migration_executions
  -- The advisory lock's name (e.g. golive:opt1): a migration and its rollback share it.
  ADD COLUMN lock_name text,
  -- The database name only: the URL may carry a password.
  ADD COLUMN target_database text,
  -- A resume is a new execution pointing at the one it continues.
  ADD COLUMN resumed_from bigint REFERENCES migration_executions(id),
  ADD COLUMN from_step text,
  -- The runner's session on the target, and the process that owns it.
  ADD COLUMN backend_pid integer,
  ADD COLUMN runner_host text,
  ADD COLUMN runner_pid integer,
  -- Written every few seconds while the runner is alive: a stale heartbeat on a
  -- 'running' execution means its worker died.
  ADD COLUMN heartbeat_at timestamptz,
  -- Set by cancelRunning(); the runner checks it before every statement, so a
  -- cancel that lands between two statements is not lost.
  ADD COLUMN cancel_requested_at timestamptz;

-- 'refused': nothing ran on the target (lock held, verify mismatch, a person must decide).
ALTER TABLE migration_executions DROP CONSTRAINT migration_executions_status_check;
ALTER TABLE migration_executions ADD CONSTRAINT migration_executions_status_check
  CHECK (status IN ('running', 'succeeded', 'failed', 'interrupted', 'aborted', 'refused'));

CREATE INDEX migration_executions_running ON migration_executions (started_at) WHERE status = 'running';

-- The step's time budget from the plan, kept beside its duration.
ALTER TABLE migration_steps ADD COLUMN budget_ms integer;

-- Down Migration
ALTER TABLE migration_steps DROP COLUMN IF EXISTS budget_ms;
DROP INDEX IF EXISTS migration_executions_running;
UPDATE migration_executions SET status = 'failed' WHERE status = 'refused';
ALTER TABLE migration_executions DROP CONSTRAINT migration_executions_status_check;
ALTER TABLE migration_executions ADD CONSTRAINT migration_executions_status_check
  CHECK (status IN ('running', 'succeeded', 'failed', 'interrupted', 'aborted'));
ALTER TABLE migration_executions
  DROP COLUMN IF EXISTS lock_name,
  DROP COLUMN IF EXISTS target_database,
  DROP COLUMN IF EXISTS resumed_from,
  DROP COLUMN IF EXISTS from_step,
  DROP COLUMN IF EXISTS backend_pid,
  DROP COLUMN IF EXISTS runner_host,
  DROP COLUMN IF EXISTS runner_pid,
  DROP COLUMN IF EXISTS heartbeat_at,
  DROP COLUMN IF EXISTS cancel_requested_at;
