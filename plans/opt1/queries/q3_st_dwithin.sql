-- Q3 ST_DWithin (seed baseline 1850 ms at production scale): the geometries
-- whose centroid lies within 0.01° (~1.1 km) of a point, created in a 90-day
-- window, with their distance in metres.
--
-- Read by pgbench (-f) and by golive's load test: only `\set NAME random(A, B)`
-- lines, then one SQL statement using :NAME. Coordinates are integers in
-- micro-degrees inside the demo extent (lon -49.45 .. -49.05, lat -16.85 ..
-- -16.45); times are Unix seconds from 2025-01-01 to 2029-10-03 UTC
-- (plan-time partition pruning, as in Q1). The radius is in degrees so the
-- GiST index on centroid serves it; metres are computed for the rows found.
\set lon_e6 random(-49450000, -49050000)
\set lat_e6 random(-16850000, -16450000)
\set t_from random(1735689600, 1885680000)
SELECT g.id, g.code,
       round(ST_Distance(g.centroid::geography, ST_SetSRID(ST_MakePoint(:lon_e6 / 1e6, :lat_e6 / 1e6), 4326)::geography)::numeric, 2) AS distance_m
FROM public.catalogo_geometrias g
WHERE ST_DWithin(g.centroid, ST_SetSRID(ST_MakePoint(:lon_e6 / 1e6, :lat_e6 / 1e6), 4326), 0.01)
  AND g.created_at >= to_timestamp(:t_from)
  AND g.created_at < to_timestamp(:t_from + 7776000)
ORDER BY g.id;
