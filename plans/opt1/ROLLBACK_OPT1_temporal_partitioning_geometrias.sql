-- ROLLBACK OPT1: back to the unpartitioned public.catalogo_geometrias.
--
-- Works from any point of 1770470100 and 1770500100, and does nothing harmful
-- when run twice or when nothing was migrated:
--
--   before the swap   the original table is still live: swap_back finds no
--                     catalogo_geometrias_legacy and does nothing;
--                     drop_migration_objects removes what the migration built
--                     (the _new table and its partitions, the _new search view,
--                     the change-capture trigger, the log, the functions).
--   after the swap    swap_back carries every row inserted, updated or
--                     deleted on the partitioned table since the swap back to
--                     catalogo_geometrias_legacy (ids from opt1_changes), then
--                     gives the legacy table, its indexes, constraints and
--                     search view their original names, gives it the id
--                     sequence back and drops the partitioned table; the
--                     next steps clean up, rebuild the indexes online and
--                     refresh statistics and the search view.
--
-- Afterwards the database is as before the migration (same rows as the
-- partitioned table had, same index set and names), and the migration can be
-- run again.
--
-- The seed's budget for a rollback is < 5 min: no step here copies the table;
-- only rows written since the swap move.

-- golive:file lock_timeout=5s

-- golive:step name=swap_back statement_timeout=5min
-- golive:+ verify="SELECT to_regclass('public.catalogo_geometrias_legacy') IS NULL
-- golive:+   AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('public.catalogo_geometrias') AND relkind = 'r')"

DO $$
BEGIN
  IF to_regclass('public.catalogo_geometrias_legacy') IS NULL THEN
    RAISE NOTICE 'catalogo_geometrias_legacy does not exist: the swap never happened (or was already undone), nothing to swap back';
    RETURN;
  END IF;

  -- Stop writes on both tables before reading the change log (lock_timeout
  -- bounds the wait behind long queries).
  LOCK TABLE public.catalogo_geometrias, public.catalogo_geometrias_legacy IN ACCESS EXCLUSIVE MODE;

  -- Carry back every row written since the swap, as it is now: delete the
  -- legacy version, re-insert the current one (a deleted row stays deleted).
  DELETE FROM public.catalogo_geometrias_legacy l
  USING (SELECT DISTINCT id FROM public.opt1_changes WHERE direction = 'backward') c
  WHERE l.id = c.id;
  INSERT INTO public.catalogo_geometrias_legacy (id, code, geom, centroid, area, bairro_id, created_at, updated_at, properties)
  SELECT id, code, geom, centroid, area, bairro_id, created_at, updated_at, properties
  FROM public.catalogo_geometrias
  WHERE id IN (SELECT id FROM public.opt1_changes WHERE direction = 'backward');

  -- The sequence goes back to the legacy table before the partitioned table
  -- is dropped (an owned sequence is dropped with its owner).
  ALTER SEQUENCE public.catalogo_geometrias_id_seq OWNED BY public.catalogo_geometrias_legacy.id;

  -- The partitioned table and its search view go (without CASCADE: anything
  -- else built on them since the swap makes this fail loudly instead).
  DROP MATERIALIZED VIEW public.catalogo_busca;
  DROP TABLE public.catalogo_geometrias;

  -- The original names come back.
  ALTER TABLE public.catalogo_geometrias_legacy RENAME TO catalogo_geometrias;
  ALTER INDEX public.catalogo_geometrias_legacy_pkey RENAME TO catalogo_geometrias_pkey;
  ALTER INDEX public.catalogo_geometrias_legacy_geom_gist RENAME TO catalogo_geometrias_geom_gist;
  ALTER INDEX public.catalogo_geometrias_legacy_centroid_gist RENAME TO catalogo_geometrias_centroid_gist;
  ALTER INDEX public.catalogo_geometrias_legacy_created_at_brin RENAME TO catalogo_geometrias_created_at_brin;
  ALTER INDEX public.catalogo_geometrias_legacy_created_at_idx RENAME TO catalogo_geometrias_created_at_idx;
  ALTER INDEX public.catalogo_geometrias_legacy_code_idx RENAME TO catalogo_geometrias_code_idx;
  ALTER INDEX public.catalogo_geometrias_legacy_bairro_id_idx RENAME TO catalogo_geometrias_bairro_id_idx;
  ALTER TABLE public.catalogo_geometrias
    RENAME CONSTRAINT catalogo_geometrias_legacy_bairro_id_fkey TO catalogo_geometrias_bairro_id_fkey;

  ALTER MATERIALIZED VIEW public.catalogo_busca_legacy RENAME TO catalogo_busca;
  ALTER INDEX public.catalogo_busca_legacy_id_key RENAME TO catalogo_busca_id_key;
  ALTER INDEX public.catalogo_busca_legacy_centroid_gist RENAME TO catalogo_busca_centroid_gist;
  ALTER INDEX public.catalogo_busca_legacy_tipo_created_at_idx RENAME TO catalogo_busca_tipo_created_at_idx;
  ALTER INDEX public.catalogo_busca_legacy_bairro_id_idx RENAME TO catalogo_busca_bairro_id_idx;
END
$$;

-- golive:step name=drop_migration_objects statement_timeout=5min
-- golive:+ verify="SELECT to_regclass('public.catalogo_geometrias_new') IS NULL
-- golive:+   AND to_regclass('public.catalogo_busca_new') IS NULL
-- golive:+   AND to_regclass('public.opt1_changes') IS NULL
-- golive:+   AND NOT EXISTS (SELECT 1 FROM pg_proc WHERE pronamespace = 'public'::regnamespace AND proname LIKE 'opt1\_%')
-- golive:+   AND NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname LIKE 'opt1\_%')"

-- Before the swap these are the half-built migration; after swap_back only
-- the log and the functions are left.
DROP MATERIALIZED VIEW IF EXISTS public.catalogo_busca_new;
DROP TABLE IF EXISTS public.catalogo_geometrias_new;
DROP TRIGGER IF EXISTS opt1_capture_forward ON public.catalogo_geometrias;
DROP TABLE IF EXISTS public.opt1_changes;
DROP FUNCTION IF EXISTS public.opt1_copy_partition(regclass);
DROP FUNCTION IF EXISTS public.opt1_ensure_partitions(interval, timestamptz);
DROP FUNCTION IF EXISTS public.opt1_default_partition_notify();
DROP FUNCTION IF EXISTS public.opt1_capture_change();

-- golive:step name=reindex_analyze transaction=false statement_timeout=30min
-- golive:+ verify="SELECT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('public.catalogo_geometrias') AND relkind = 'r')
-- golive:+   AND NOT EXISTS (SELECT 1 FROM pg_index WHERE indrelid = to_regclass('public.catalogo_geometrias') AND NOT indisvalid)
-- golive:+   AND EXISTS (SELECT 1 FROM pg_stats WHERE schemaname = 'public' AND tablename = 'catalogo_geometrias' AND NOT inherited)
-- golive:+   AND EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'public' AND matviewname = 'catalogo_busca' AND ispopulated)"

-- The table is live and complete once swap_back commits; this step runs
-- online (nothing here blocks reads or writes), so it does not count against
-- the time the application waits. It is the seed's "index rebuild after
-- rollback": the legacy indexes absorbed a delete and an insert for every row
-- carried back.

-- An interrupted REINDEX CONCURRENTLY leaves invalid *_ccnew (or *_ccold)
-- indexes behind; drop them so that running this step again starts clean.
DO $$
DECLARE
  leftover regclass;
BEGIN
  FOR leftover IN
    SELECT x.indexrelid::regclass
    FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid
    WHERE x.indrelid = 'public.catalogo_geometrias'::regclass
      AND NOT x.indisvalid
      AND c.relname ~ '_cc(new|old)[0-9]*$'
  LOOP
    EXECUTE format('DROP INDEX %s', leftover);
  END LOOP;
END
$$;

REINDEX TABLE CONCURRENTLY public.catalogo_geometrias;

-- Statistics for the rows carried back, and the search view, which stood
-- still on the legacy table while the partitioned one was live.
ANALYZE public.catalogo_geometrias;
REFRESH MATERIALIZED VIEW CONCURRENTLY public.catalogo_busca;
ANALYZE public.catalogo_busca;
