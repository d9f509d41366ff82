-- Up Migration
-- A run driven by a BullMQ flow (`cpN run`) records which generation of its
-- flow is live and when it was queued (state DB clock). A flow lost from
-- Redis (a flushed or replaced Redis) would otherwise leave the run
-- "in progress" for ever and block the checkpoint: the recovery pass queues
-- the missing checks again as the next generation, and the compare-and-set
-- on flow_generation lets exactly one worker do it.
ALTER TABLE runs
  ADD COLUMN flow_generation  integer CHECK (flow_generation > 0),
  ADD COLUMN flow_launched_at timestamptz;
CREATE INDEX runs_running_flows ON runs (flow_launched_at) WHERE status = 'running' AND flow_generation IS NOT NULL;

-- Down Migration
DROP INDEX IF EXISTS runs_running_flows;
ALTER TABLE runs DROP COLUMN IF EXISTS flow_launched_at, DROP COLUMN IF EXISTS flow_generation;
