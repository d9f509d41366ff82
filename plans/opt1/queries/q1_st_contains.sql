-- Q1 ST_Contains (seed baseline 2400 ms at production scale): the catalogue's
-- geometries lying wholly inside a 0.03° (~3.3 km) square, created in a
-- 90-day window.
--
-- Read by pgbench (-f) and by golive's load test: only `\set NAME random(A, B)`
-- lines, then one SQL statement using :NAME. Coordinates are integers in
-- micro-degrees (pgbench's random() draws integers), chosen so the square lies
-- inside the demo extent (lon -49.45 .. -49.05, lat -16.85 .. -16.45); times
-- are Unix seconds from 2025-01-01 to 2029-10-03 UTC, so the window ends by
-- 2030. to_timestamp(double) is immutable: the planner folds the window to
-- constants and prunes partitions at plan time.
\set lon_e6 random(-49450000, -49080000)
\set lat_e6 random(-16850000, -16480000)
\set t_from random(1735689600, 1885680000)
SELECT g.id, g.code, g.area
FROM public.catalogo_geometrias g
WHERE ST_Contains(ST_MakeEnvelope(:lon_e6 / 1e6, :lat_e6 / 1e6, :lon_e6 / 1e6 + 0.03, :lat_e6 / 1e6 + 0.03, 4326), g.geom)
  AND g.created_at >= to_timestamp(:t_from)
  AND g.created_at < to_timestamp(:t_from + 7776000)
ORDER BY g.id;
