-- Q2 ST_Intersects (seed baseline 3100 ms at production scale): a spatial
-- join, the geometries touching each of four consecutive bairros (mostly a
-- row of four, ~8.5 km), created in a 90-day window, counted with their total
-- area per bairro.
--
-- Read by pgbench (-f) and by golive's load test: only `\set NAME random(A, B)`
-- lines, then one SQL statement using :NAME. The demo has bairros 1 .. 400;
-- times are Unix seconds from 2025-01-01 to 2029-10-03 UTC, and
-- to_timestamp(double) is immutable, so the planner prunes partitions at plan
-- time. The area is summed as numeric so the total does not depend on the
-- order rows arrive in.
\set bairro random(1, 397)
\set t_from random(1735689600, 1885680000)
SELECT b.id, b.name, count(*) AS geometrias, round(sum(g.area::numeric), 2) AS area_total
FROM public.bairros b
JOIN public.catalogo_geometrias g ON ST_Intersects(g.geom, b.geom)
WHERE b.id BETWEEN :bairro AND :bairro + 3
  AND g.created_at >= to_timestamp(:t_from)
  AND g.created_at < to_timestamp(:t_from + 7776000)
GROUP BY b.id, b.name
ORDER BY b.id;
