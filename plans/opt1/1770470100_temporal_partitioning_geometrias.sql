-- OPT1: temporal partitioning of public.catalogo_geometrias.
--
-- The seed's five cutover steps (CHECKPOINT 3, 13:05-13:50), one marked step
-- each; the step runner executes them in order, records each one and can
-- resume after checking the verify queries (marker syntax: README.md here).
--
-- Names. The seed calls the partitioned table "catalogo_geometrias_particionada"
-- in one place; we keep the application's name instead: the partitioned table
-- is built as catalogo_geometrias_new and, at the swap, takes the name
-- catalogo_geometrias, while the original table stays beside it as
-- catalogo_geometrias_legacy so that a rollback swaps back instead of copying
-- 12 M rows (ROLLBACK_OPT1_temporal_partitioning_geometrias.sql).
--
-- Granularity. At the seed's scale (2.8 GB, 12.45 M rows over 2025-2029)
-- yearly partitions would hold ~560 MB each, outside the 45-280 MB band of
-- CHECKPOINT 2; monthly ones ~47 MB, at the band's edge. Quarterly partitions
-- hold ~140 MB each, the middle of the band: 20 of them (2025q1 .. 2029q4) and
-- a default partition for anything outside (which
-- 1770500100_auto_partition_creation_2029_plus.sql keeps empty).
-- Bounds are in UTC.
--
-- Writes made to the original table while this file runs are not lost: a
-- trigger installed by the first step logs the ids it touches in opt1_changes,
-- and the swap re-copies those rows under its lock. After the swap the same
-- trigger function logs writes to the partitioned table, so the rollback can
-- carry them back.
--
-- Keys. A partitioned table's primary key and unique indexes must include the
-- partition column: the key becomes (id, created_at), so the id alone is no
-- longer enforced unique. ids keep coming from the one sequence,
-- catalogo_geometrias_id_seq, which moves to the live table at the swap and
-- back at a rollback; an application that writes ids by hand must keep them
-- unique itself (a duplicate would make the rollback's carry-back fail loudly).
--
-- Every verify query reads only the catalogs, so it answers (true or false)
-- in any state, before, during or after this file, and after a rollback.

-- golive:file lock_timeout=5s

-- golive:step name=create_partitions statement_timeout=10min
-- golive:+ verify="SELECT to_regclass('public.catalogo_geometrias_legacy') IS NOT NULL
-- golive:+   OR (to_regclass('public.opt1_changes') IS NOT NULL
-- golive:+       AND (SELECT count(*) FROM pg_inherits
-- golive:+            WHERE inhparent = to_regclass('public.catalogo_geometrias_new')) = 21)"

CREATE TABLE public.catalogo_geometrias_new (
  id bigint NOT NULL DEFAULT nextval('public.catalogo_geometrias_id_seq'::regclass),
  code text NOT NULL,
  geom geometry(Polygon, 4326) NOT NULL,
  centroid geometry(Point, 4326),
  area double precision,
  bairro_id integer,
  created_at timestamptz NOT NULL,
  updated_at timestamptz,
  properties jsonb
) PARTITION BY RANGE (created_at);

CREATE TABLE public.catalogo_geometrias_p2025q1 PARTITION OF public.catalogo_geometrias_new FOR VALUES FROM ('2025-01-01 00:00:00+00') TO ('2025-04-01 00:00:00+00');
CREATE TABLE public.catalogo_geometrias_p2025q2 PARTITION OF public.catalogo_geometrias_new FOR VALUES FROM ('2025-04-01 00:00:00+00') TO ('2025-07-01 00:00:00+00');
CREATE TABLE public.catalogo_geometrias_p2025q3 PARTITION OF public.catalogo_geometrias_new FOR VALUES FROM ('2025-07-01 00:00:00+00') TO ('2025-10-01 00:00:00+00');
CREATE TABLE public.catalogo_geometrias_p2025q4 PARTITION OF public.catalogo_geometrias_new FOR VALUES FROM ('2025-10-01 00:00:00+00') TO ('2026-01-01 00:00:00+00');
CREATE TABLE public.catalogo_geometrias_p2026q1 PARTITION OF public.catalogo_geometrias_new FOR VALUES FROM ('2026-01-01 00:00:00+00') TO ('2026-04-01 00:00:00+00');
CREATE TABLE public.catalogo_geometrias_p2026q2 PARTITION OF public.catalogo_geometrias_new FOR VALUES FROM ('2026-04-01 00:00:00+00') TO ('2026-07-01 00:00:00+00');
CREATE TABLE public.catalogo_geometrias_p2026q3 PARTITION OF public.catalogo_geometrias_new FOR VALUES FROM ('2026-07-01 00:00:00+00') TO ('2026-10-01 00:00:00+00');
CREATE TABLE public.catalogo_geometrias_p2026q4 PARTITION OF public.catalogo_geometrias_new FOR VALUES FROM ('2026-10-01 00:00:00+00') TO ('2027-01-01 00:00:00+00');
CREATE TABLE public.catalogo_geometrias_p2027q1 PARTITION OF public.catalogo_geometrias_new FOR VALUES FROM ('2027-01-01 00:00:00+00') TO ('2027-04-01 00:00:00+00');
CREATE TABLE public.catalogo_geometrias_p2027q2 PARTITION OF public.catalogo_geometrias_new FOR VALUES FROM ('2027-04-01 00:00:00+00') TO ('2027-07-01 00:00:00+00');
CREATE TABLE public.catalogo_geometrias_p2027q3 PARTITION OF public.catalogo_geometrias_new FOR VALUES FROM ('2027-07-01 00:00:00+00') TO ('2027-10-01 00:00:00+00');
CREATE TABLE public.catalogo_geometrias_p2027q4 PARTITION OF public.catalogo_geometrias_new FOR VALUES FROM ('2027-10-01 00:00:00+00') TO ('2028-01-01 00:00:00+00');
CREATE TABLE public.catalogo_geometrias_p2028q1 PARTITION OF public.catalogo_geometrias_new FOR VALUES FROM ('2028-01-01 00:00:00+00') TO ('2028-04-01 00:00:00+00');
CREATE TABLE public.catalogo_geometrias_p2028q2 PARTITION OF public.catalogo_geometrias_new FOR VALUES FROM ('2028-04-01 00:00:00+00') TO ('2028-07-01 00:00:00+00');
CREATE TABLE public.catalogo_geometrias_p2028q3 PARTITION OF public.catalogo_geometrias_new FOR VALUES FROM ('2028-07-01 00:00:00+00') TO ('2028-10-01 00:00:00+00');
CREATE TABLE public.catalogo_geometrias_p2028q4 PARTITION OF public.catalogo_geometrias_new FOR VALUES FROM ('2028-10-01 00:00:00+00') TO ('2029-01-01 00:00:00+00');
CREATE TABLE public.catalogo_geometrias_p2029q1 PARTITION OF public.catalogo_geometrias_new FOR VALUES FROM ('2029-01-01 00:00:00+00') TO ('2029-04-01 00:00:00+00');
CREATE TABLE public.catalogo_geometrias_p2029q2 PARTITION OF public.catalogo_geometrias_new FOR VALUES FROM ('2029-04-01 00:00:00+00') TO ('2029-07-01 00:00:00+00');
CREATE TABLE public.catalogo_geometrias_p2029q3 PARTITION OF public.catalogo_geometrias_new FOR VALUES FROM ('2029-07-01 00:00:00+00') TO ('2029-10-01 00:00:00+00');
CREATE TABLE public.catalogo_geometrias_p2029q4 PARTITION OF public.catalogo_geometrias_new FOR VALUES FROM ('2029-10-01 00:00:00+00') TO ('2030-01-01 00:00:00+00');
CREATE TABLE public.catalogo_geometrias_default PARTITION OF public.catalogo_geometrias_new DEFAULT;

-- The change log. direction 'forward': a write to the original table while
-- the migration runs (re-copied at the swap); 'backward': a write to the
-- partitioned table after the swap (carried back by a rollback). Only ids are
-- logged: the row itself is re-read from its table when it is carried over,
-- so any number of writes to one row costs one copy.
CREATE TABLE public.opt1_changes (
  seq bigserial PRIMARY KEY,
  direction text NOT NULL CHECK (direction IN ('forward', 'backward')),
  op text NOT NULL CHECK (op IN ('I', 'U', 'D')),
  id bigint NOT NULL,
  created_at timestamptz,
  at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX opt1_changes_direction_id_idx ON public.opt1_changes (direction, id);

CREATE FUNCTION public.opt1_capture_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO public.opt1_changes (direction, op, id, created_at)
    VALUES (TG_ARGV[0], left(TG_OP, 1), OLD.id, OLD.created_at);
  END IF;
  -- An update that changes the id touches two rows: log both.
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.id IS DISTINCT FROM OLD.id) THEN
    INSERT INTO public.opt1_changes (direction, op, id, created_at)
    VALUES (TG_ARGV[0], left(TG_OP, 1), NEW.id, NEW.created_at);
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER opt1_capture_forward
  AFTER INSERT OR UPDATE OR DELETE ON public.catalogo_geometrias
  FOR EACH ROW EXECUTE FUNCTION public.opt1_capture_change('forward');

-- Copies one partition's rows from the original table. It empties the
-- partition first, so a copy that was interrupted is simply run again. The
-- rows to copy are exactly those the partition's own constraint accepts
-- (pg_get_partition_constraintdef), which also serves the default partition.
-- The comment it leaves is what copy_data's verify query reads.
CREATE FUNCTION public.opt1_copy_partition(part regclass) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  copied bigint;
BEGIN
  EXECUTE format('TRUNCATE %s', part);
  EXECUTE format(
    'INSERT INTO %s (id, code, geom, centroid, area, bairro_id, created_at, updated_at, properties)
     SELECT id, code, geom, centroid, area, bairro_id, created_at, updated_at, properties
     FROM public.catalogo_geometrias WHERE %s',
    part, pg_get_partition_constraintdef(part));
  GET DIAGNOSTICS copied = ROW_COUNT;
  EXECUTE format('COMMENT ON TABLE %s IS %L', part,
                 format('opt1 copy_data: %s rows copied at %s', copied, clock_timestamp()));
  RETURN copied;
END
$$;

-- golive:step name=copy_data transaction=false statement_timeout=30min
-- golive:+ verify="SELECT to_regclass('public.catalogo_geometrias_legacy') IS NOT NULL
-- golive:+   OR (SELECT count(*) FROM pg_inherits i
-- golive:+       JOIN pg_description d ON d.objoid = i.inhrelid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0
-- golive:+       WHERE i.inhparent = to_regclass('public.catalogo_geometrias_new')
-- golive:+         AND d.description LIKE 'opt1 copy_data:%') = 21"

-- One partition per statement, each committed on its own: progress shows
-- partition by partition (the comments), and a lost connection costs one
-- partition's work. Quarter by quarter also keeps each transaction's snapshot
-- short on the busy original table.
SELECT public.opt1_copy_partition('public.catalogo_geometrias_p2025q1');
SELECT public.opt1_copy_partition('public.catalogo_geometrias_p2025q2');
SELECT public.opt1_copy_partition('public.catalogo_geometrias_p2025q3');
SELECT public.opt1_copy_partition('public.catalogo_geometrias_p2025q4');
SELECT public.opt1_copy_partition('public.catalogo_geometrias_p2026q1');
SELECT public.opt1_copy_partition('public.catalogo_geometrias_p2026q2');
SELECT public.opt1_copy_partition('public.catalogo_geometrias_p2026q3');
SELECT public.opt1_copy_partition('public.catalogo_geometrias_p2026q4');
SELECT public.opt1_copy_partition('public.catalogo_geometrias_p2027q1');
SELECT public.opt1_copy_partition('public.catalogo_geometrias_p2027q2');
SELECT public.opt1_copy_partition('public.catalogo_geometrias_p2027q3');
SELECT public.opt1_copy_partition('public.catalogo_geometrias_p2027q4');
SELECT public.opt1_copy_partition('public.catalogo_geometrias_p2028q1');
SELECT public.opt1_copy_partition('public.catalogo_geometrias_p2028q2');
SELECT public.opt1_copy_partition('public.catalogo_geometrias_p2028q3');
SELECT public.opt1_copy_partition('public.catalogo_geometrias_p2028q4');
SELECT public.opt1_copy_partition('public.catalogo_geometrias_p2029q1');
SELECT public.opt1_copy_partition('public.catalogo_geometrias_p2029q2');
SELECT public.opt1_copy_partition('public.catalogo_geometrias_p2029q3');
SELECT public.opt1_copy_partition('public.catalogo_geometrias_p2029q4');
SELECT public.opt1_copy_partition('public.catalogo_geometrias_default');

-- golive:step name=create_indexes statement_timeout=30min
-- golive:+ verify="SELECT to_regclass('public.catalogo_geometrias_legacy') IS NOT NULL
-- golive:+   OR ((SELECT count(*) FROM pg_index WHERE indrelid = to_regclass('public.catalogo_geometrias_new')) = 7
-- golive:+       AND EXISTS (SELECT 1 FROM pg_constraint
-- golive:+                   WHERE conrelid = to_regclass('public.catalogo_geometrias_new') AND contype = 'f')
-- golive:+       AND (SELECT count(*) FROM pg_index WHERE indrelid = to_regclass('public.catalogo_busca_new')) = 4)"

-- Nobody reads or writes catalogo_geometrias_new yet, so plain CREATE INDEX
-- (which can use parallel workers) is right here; CONCURRENTLY is not even
-- possible on a partitioned table. Each index on the parent is built on every
-- partition. The same index set as the original table, under _new names that
-- the swap turns into the original ones.
ALTER TABLE public.catalogo_geometrias_new
  ADD CONSTRAINT catalogo_geometrias_new_pkey PRIMARY KEY (id, created_at);
CREATE INDEX catalogo_geometrias_new_geom_gist ON public.catalogo_geometrias_new USING gist (geom);
CREATE INDEX catalogo_geometrias_new_centroid_gist ON public.catalogo_geometrias_new USING gist (centroid);
CREATE INDEX catalogo_geometrias_new_created_at_brin ON public.catalogo_geometrias_new USING brin (created_at);
CREATE INDEX catalogo_geometrias_new_created_at_idx ON public.catalogo_geometrias_new (created_at);
CREATE INDEX catalogo_geometrias_new_code_idx ON public.catalogo_geometrias_new (code);
CREATE INDEX catalogo_geometrias_new_bairro_id_idx ON public.catalogo_geometrias_new (bairro_id);

-- Validated in one pass per partition (NOT VALID is not available for a
-- foreign key on a partitioned table).
ALTER TABLE public.catalogo_geometrias_new
  ADD CONSTRAINT catalogo_geometrias_new_bairro_id_fkey FOREIGN KEY (bairro_id) REFERENCES public.bairros (id);

-- The search view, rebuilt over the partitioned table (a materialized view is
-- bound to its table, so the original one keeps reading the original table).
-- Same definition and indexes as public.catalogo_busca; refreshed after the
-- swap by reindex_analyze.
CREATE MATERIALIZED VIEW public.catalogo_busca_new AS
SELECT g.id, g.code, g.bairro_id, b.name AS bairro_nome, g.properties ->> 'tipo' AS tipo,
       g.created_at, g.area, g.centroid
FROM public.catalogo_geometrias_new g
LEFT JOIN public.bairros b ON b.id = g.bairro_id;
CREATE UNIQUE INDEX catalogo_busca_new_id_key ON public.catalogo_busca_new (id);
CREATE INDEX catalogo_busca_new_centroid_gist ON public.catalogo_busca_new USING gist (centroid);
CREATE INDEX catalogo_busca_new_tipo_created_at_idx ON public.catalogo_busca_new (tipo, created_at);
CREATE INDEX catalogo_busca_new_bairro_id_idx ON public.catalogo_busca_new (bairro_id);

-- golive:step name=swap_tables statement_timeout=5min
-- golive:+ verify="SELECT to_regclass('public.catalogo_geometrias_legacy') IS NOT NULL
-- golive:+   AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('public.catalogo_geometrias') AND relkind = 'p')"

-- One transaction: readers see either the original table or the partitioned
-- one, never neither. The whole swap is a single DO block so that it is atomic
-- under any executor, `psql -f` included (each statement of a psql script
-- commits on its own). Both tables are locked first (lock_timeout bounds the
-- wait behind long queries), so no write slips between the catch-up below and
-- the renames.
DO $$
BEGIN
  LOCK TABLE public.catalogo_geometrias, public.catalogo_geometrias_new IN ACCESS EXCLUSIVE MODE;

  -- Catch up: rows written to the original table since the copy started are
  -- re-copied from their current state (a deleted row is simply not re-inserted).
  DELETE FROM public.catalogo_geometrias_new n
  USING (SELECT DISTINCT id FROM public.opt1_changes WHERE direction = 'forward') c
  WHERE n.id = c.id;
  INSERT INTO public.catalogo_geometrias_new (id, code, geom, centroid, area, bairro_id, created_at, updated_at, properties)
  SELECT id, code, geom, centroid, area, bairro_id, created_at, updated_at, properties
  FROM public.catalogo_geometrias
  WHERE id IN (SELECT id FROM public.opt1_changes WHERE direction = 'forward');
  DROP TRIGGER opt1_capture_forward ON public.catalogo_geometrias;

  -- The original table and its indexes step aside under _legacy names
  -- (renaming a constraint's index renames the constraint too).
  ALTER TABLE public.catalogo_geometrias RENAME TO catalogo_geometrias_legacy;
  ALTER INDEX public.catalogo_geometrias_pkey RENAME TO catalogo_geometrias_legacy_pkey;
  ALTER INDEX public.catalogo_geometrias_geom_gist RENAME TO catalogo_geometrias_legacy_geom_gist;
  ALTER INDEX public.catalogo_geometrias_centroid_gist RENAME TO catalogo_geometrias_legacy_centroid_gist;
  ALTER INDEX public.catalogo_geometrias_created_at_brin RENAME TO catalogo_geometrias_legacy_created_at_brin;
  ALTER INDEX public.catalogo_geometrias_created_at_idx RENAME TO catalogo_geometrias_legacy_created_at_idx;
  ALTER INDEX public.catalogo_geometrias_code_idx RENAME TO catalogo_geometrias_legacy_code_idx;
  ALTER INDEX public.catalogo_geometrias_bairro_id_idx RENAME TO catalogo_geometrias_legacy_bairro_id_idx;
  ALTER TABLE public.catalogo_geometrias_legacy
    RENAME CONSTRAINT catalogo_geometrias_bairro_id_fkey TO catalogo_geometrias_legacy_bairro_id_fkey;

  -- The partitioned table takes the original names.
  ALTER TABLE public.catalogo_geometrias_new RENAME TO catalogo_geometrias;
  ALTER INDEX public.catalogo_geometrias_new_pkey RENAME TO catalogo_geometrias_pkey;
  ALTER INDEX public.catalogo_geometrias_new_geom_gist RENAME TO catalogo_geometrias_geom_gist;
  ALTER INDEX public.catalogo_geometrias_new_centroid_gist RENAME TO catalogo_geometrias_centroid_gist;
  ALTER INDEX public.catalogo_geometrias_new_created_at_brin RENAME TO catalogo_geometrias_created_at_brin;
  ALTER INDEX public.catalogo_geometrias_new_created_at_idx RENAME TO catalogo_geometrias_created_at_idx;
  ALTER INDEX public.catalogo_geometrias_new_code_idx RENAME TO catalogo_geometrias_code_idx;
  ALTER INDEX public.catalogo_geometrias_new_bairro_id_idx RENAME TO catalogo_geometrias_bairro_id_idx;
  ALTER TABLE public.catalogo_geometrias
    RENAME CONSTRAINT catalogo_geometrias_new_bairro_id_fkey TO catalogo_geometrias_bairro_id_fkey;

  -- The search view follows the same way.
  ALTER MATERIALIZED VIEW public.catalogo_busca RENAME TO catalogo_busca_legacy;
  ALTER INDEX public.catalogo_busca_id_key RENAME TO catalogo_busca_legacy_id_key;
  ALTER INDEX public.catalogo_busca_centroid_gist RENAME TO catalogo_busca_legacy_centroid_gist;
  ALTER INDEX public.catalogo_busca_tipo_created_at_idx RENAME TO catalogo_busca_legacy_tipo_created_at_idx;
  ALTER INDEX public.catalogo_busca_bairro_id_idx RENAME TO catalogo_busca_legacy_bairro_id_idx;
  ALTER MATERIALIZED VIEW public.catalogo_busca_new RENAME TO catalogo_busca;
  ALTER INDEX public.catalogo_busca_new_id_key RENAME TO catalogo_busca_id_key;
  ALTER INDEX public.catalogo_busca_new_centroid_gist RENAME TO catalogo_busca_centroid_gist;
  ALTER INDEX public.catalogo_busca_new_tipo_created_at_idx RENAME TO catalogo_busca_tipo_created_at_idx;
  ALTER INDEX public.catalogo_busca_new_bairro_id_idx RENAME TO catalogo_busca_bairro_id_idx;

  -- The id sequence now belongs to the live table, so dropping the legacy
  -- table later (after CHECKPOINT 4) does not take the sequence with it.
  ALTER SEQUENCE public.catalogo_geometrias_id_seq OWNED BY public.catalogo_geometrias.id;

  -- From here on every write to the live table is logged for a rollback.
  CREATE TRIGGER opt1_capture_backward
    AFTER INSERT OR UPDATE OR DELETE ON public.catalogo_geometrias
    FOR EACH ROW EXECUTE FUNCTION public.opt1_capture_change('backward');
END
$$;

-- golive:step name=reindex_analyze transaction=false statement_timeout=30min
-- golive:+ verify="SELECT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('public.catalogo_geometrias') AND relkind = 'p')
-- golive:+   AND EXISTS (SELECT 1 FROM pg_stats WHERE schemaname = 'public' AND tablename = 'catalogo_geometrias' AND inherited)
-- golive:+   AND NOT EXISTS (SELECT 1 FROM pg_index x JOIN pg_inherits i ON i.inhrelid = x.indrelid
-- golive:+                   WHERE i.inhparent = to_regclass('public.catalogo_geometrias') AND NOT x.indisvalid)"

-- An interrupted REINDEX CONCURRENTLY leaves invalid *_ccnew (or *_ccold)
-- indexes behind; drop them so that running this step again starts clean.
DO $$
DECLARE
  leftover regclass;
BEGIN
  FOR leftover IN
    SELECT x.indexrelid::regclass
    FROM pg_index x
    JOIN pg_inherits i ON i.inhrelid = x.indrelid
    JOIN pg_class c ON c.oid = x.indexrelid
    WHERE i.inhparent = 'public.catalogo_geometrias'::regclass
      AND NOT x.indisvalid
      AND c.relname ~ '_cc(new|old)[0-9]*$'
  LOOP
    EXECUTE format('DROP INDEX %s', leftover);
  END LOOP;
END
$$;

-- The live table is in use now: rebuild without blocking reads or writes.
REINDEX TABLE CONCURRENTLY public.catalogo_geometrias;

-- ANALYZE on the parent gathers both each partition's statistics and the
-- whole-table ones the planner uses for queries over several partitions
-- (autovacuum never analyzes a partitioned parent).
ANALYZE public.catalogo_geometrias;

-- The search view was built in create_indexes from the copied rows. Every
-- write since the copy began is in opt1_changes: with none (the application
-- stopped, as in the seed's maintenance window) the view is already current
-- and a refresh would only rebuild it; otherwise refresh it without blocking
-- its readers.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM public.opt1_changes) THEN
    REFRESH MATERIALIZED VIEW CONCURRENTLY public.catalogo_busca;
  END IF;
END
$$;
ANALYZE public.catalogo_busca;
