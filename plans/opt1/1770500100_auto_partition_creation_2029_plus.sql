-- OPT1: partitions after 2029, created before they are needed.
--
-- 1770470100 creates the quarters 2025q1 .. 2029q4 and a default partition.
-- A row dated 2030 or later would land in the default partition, where it is
-- found by no partition pruning and, worse, blocks creating the 2030
-- partitions later (PostgreSQL refuses a new partition whose range already has
-- rows in the default partition). This file adds:
--
--   opt1_ensure_partitions(ahead interval, as_of timestamptz)
--     creates every missing quarterly partition from the quarter of `as_of`
--     through the quarter of `as_of + ahead` (default: one year ahead of now),
--     plus one for every quarter that rows in the default partition belong to,
--     moving those rows out of the default partition into it. Idempotent:
--     calling it again creates nothing. Returns the names it created.
--
--   a trigger on the default partition that sends NOTIFY
--   golive_default_partition (payload: the table name) whenever a row lands
--   there, so a row outside the partitions is noticed at once.
--
-- Schedule. pg_cron is not installed on these servers, so golive's worker
-- calls `SELECT opt1_ensure_partitions()` once a day (the plan's
-- partition-maintenance job; a check in CHECKPOINT 4 also asserts the default
-- partition is empty). With one year ahead and a daily call, 2030q1 exists by
-- 2029-01-01, a full year before its first row; missing calls for months
-- changes nothing as long as one happens within the year.
--
-- Run it after 1770470100 (it works on the partitioned catalogo_geometrias).
-- ROLLBACK_OPT1_temporal_partitioning_geometrias.sql removes what it adds.

-- golive:file lock_timeout=5s statement_timeout=5min

-- golive:step name=create_partition_function
-- golive:+ verify="SELECT to_regprocedure('public.opt1_ensure_partitions(interval,timestamp with time zone)') IS NOT NULL
-- golive:+   AND EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'opt1_default_partition_notify'
-- golive:+               AND tgrelid = to_regclass('public.catalogo_geometrias_default'))"

CREATE OR REPLACE FUNCTION public.opt1_ensure_partitions(
  ahead interval DEFAULT interval '1 year',
  as_of timestamptz DEFAULT now()
) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
  quarter timestamp;          -- first instant of a quarter, in UTC
  lower_bound timestamptz;
  upper_bound timestamptz;
  part text;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('public.catalogo_geometrias') AND relkind = 'p') THEN
    RAISE EXCEPTION 'public.catalogo_geometrias is not partitioned'
      USING HINT = 'Run 1770470100_temporal_partitioning_geometrias.sql first.';
  END IF;
  -- Two callers at once must not both create the same quarter.
  PERFORM pg_advisory_xact_lock(hashtext('opt1_ensure_partitions'));

  FOR quarter IN
    SELECT q FROM generate_series(date_trunc('quarter', as_of AT TIME ZONE 'UTC'),
                                  date_trunc('quarter', (as_of + ahead) AT TIME ZONE 'UTC'),
                                  interval '3 months') AS q
    UNION
    SELECT DISTINCT date_trunc('quarter', created_at AT TIME ZONE 'UTC') FROM public.catalogo_geometrias_default
    ORDER BY 1
  LOOP
    part := format('catalogo_geometrias_p%sq%s', extract(year FROM quarter)::int, extract(quarter FROM quarter)::int);
    CONTINUE WHEN to_regclass(format('public.%I', part)) IS NOT NULL;
    lower_bound := quarter AT TIME ZONE 'UTC';
    upper_bound := (quarter + interval '3 months') AT TIME ZONE 'UTC';

    -- Built beside the table, filled with the quarter's rows from the default
    -- partition, then attached: ATTACH builds the partition's indexes and
    -- clones the foreign key and the row triggers (the rollback's change
    -- capture included). The CHECK spares ATTACH a scan to prove the range.
    EXECUTE format('CREATE TABLE public.%I (LIKE public.catalogo_geometrias INCLUDING DEFAULTS INCLUDING STORAGE)', part);
    EXECUTE format('ALTER TABLE public.%I ADD CONSTRAINT %I CHECK (created_at >= %L AND created_at < %L)',
                   part, part || '_range', lower_bound, upper_bound);
    EXECUTE format('WITH moved AS (DELETE FROM public.catalogo_geometrias_default
                                   WHERE created_at >= %L AND created_at < %L RETURNING *)
                    INSERT INTO public.%I SELECT * FROM moved',
                   lower_bound, upper_bound, part);
    EXECUTE format('ALTER TABLE public.catalogo_geometrias ATTACH PARTITION public.%I FOR VALUES FROM (%L) TO (%L)',
                   part, lower_bound, upper_bound);
    EXECUTE format('ALTER TABLE public.%I DROP CONSTRAINT %I', part, part || '_range');
    RETURN NEXT part;
  END LOOP;
END
$$;

CREATE OR REPLACE FUNCTION public.opt1_default_partition_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- NOTIFY folds identical payloads within a transaction: one message per
  -- transaction, however many rows.
  PERFORM pg_notify('golive_default_partition', TG_TABLE_NAME);
  RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS opt1_default_partition_notify ON public.catalogo_geometrias_default;
-- Row level: a statement trigger on a partition does not fire for rows
-- routed to it through the parent.
CREATE TRIGGER opt1_default_partition_notify
  AFTER INSERT ON public.catalogo_geometrias_default
  FOR EACH ROW EXECUTE FUNCTION public.opt1_default_partition_notify();

-- golive:step name=ensure_partitions_now
-- golive:+ verify="SELECT to_regclass(format('public.catalogo_geometrias_p%sq%s',
-- golive:+          extract(year FROM (now() + interval '1 year') AT TIME ZONE 'UTC')::int,
-- golive:+          extract(quarter FROM (now() + interval '1 year') AT TIME ZONE 'UTC')::int)) IS NOT NULL"

-- Today this creates nothing (2025q1 .. 2029q4 exist) unless rows already sit
-- in the default partition; it proves the function runs on this database.
SELECT public.opt1_ensure_partitions();
