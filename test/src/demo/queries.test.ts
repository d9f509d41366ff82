import { describe, expect, it } from 'vitest';
import { createParameterGenerator, loadOpt1Queries, parsePgbenchScript, PgbenchScriptError } from '../../../src/demo/queries.js';
import { DEMO_EXTENT } from '../../../src/demo/dataset.js';

const SCRIPT = `-- a comment
\\set lon random(-10, 10)
\\set day random(0, 99)

SELECT :lon::int AS a, :day + :lon AS b, 'x'::text
FROM t
WHERE d < :day;
`;

function errorOf(text: string): PgbenchScriptError {
  try {
    parsePgbenchScript(text, 'q.sql');
  } catch (err) {
    if (err instanceof PgbenchScriptError) return err;
    throw err;
  }
  throw new Error('expected an error');
}

describe('parsePgbenchScript', () => {
  it('turns :names into numbered bigint parameters, one number per name', () => {
    const script = parsePgbenchScript(SCRIPT, 'dir/q9_example.sql');
    expect(script.name).toBe('q9_example');
    expect(script.variables).toEqual([
      { name: 'lon', min: -10, max: 10, line: 2 },
      { name: 'day', min: 0, max: 99, line: 3 },
    ]);
    expect(script.parameterNames).toEqual(['lon', 'day']);
    expect(script.text).toBe("SELECT $1::bigint::int AS a, $2::bigint + $1::bigint AS b, 'x'::text\nFROM t\nWHERE d < $2::bigint");
    expect(script.pgbenchSql).toContain(':day + :lon');
  });

  it.each([
    ['another backslash command', '\\sleep 10 ms\nSELECT 1;', 1, /only "\\set NAME random\(MIN, MAX\)"/],
    ['a non-random \\set', '\\set x 5\nSELECT :x;', 1, /only/],
    ['MIN above MAX', '\\set x random(5, 1)\nSELECT :x;', 1, /MIN is greater than MAX/],
    ['a variable set twice', '\\set x random(1, 2)\n\\set x random(1, 2)\nSELECT :x;', 2, /set twice/],
    ['an undefined variable', '\\set x random(1, 2)\nSELECT :y;', 2, /:y is used but never \\set/],
    ['two statements', '\\set x random(1, 2)\nSELECT :x;\nSELECT 2;', 3, /more than one SQL statement/],
    ['no statement', '\\set x random(1, 2)\n', 2, /no SQL statement/],
    ['a \\set after the SQL', 'SELECT 1\n\\set x random(1, 2)', 2, /after the SQL statement/],
  ])('refuses %s, naming the line', (_label, text, line, message) => {
    const err = errorOf(text);
    expect(err.code).toBe('PGBENCH_SCRIPT_INVALID');
    expect(err.message.startsWith(`q.sql:${line}: `)).toBe(true);
    expect(err.message).toMatch(message);
  });
});

describe('createParameterGenerator', () => {
  it('draws integers within each range, the same sequence for the same seed', () => {
    const script = parsePgbenchScript(SCRIPT, 'q.sql');
    const a = createParameterGenerator(script, 42);
    const b = createParameterGenerator(script, 42);
    const c = createParameterGenerator(script, 'another seed');
    const drawsA = Array.from({ length: 500 }, () => a());
    const drawsB = Array.from({ length: 500 }, () => b());
    const drawsC = Array.from({ length: 500 }, () => c());
    expect(drawsB).toEqual(drawsA);
    expect(drawsC).not.toEqual(drawsA);
    for (const [lon, day] of drawsA) {
      expect(Number.isInteger(lon) && lon! >= -10 && lon! <= 10).toBe(true);
      expect(Number.isInteger(day) && day! >= 0 && day! <= 99).toBe(true);
    }
    // Uniform enough to reach both ends of a small range.
    expect(new Set(drawsA.map(([lon]) => lon)).size).toBe(21);
  });
});

describe('the OPT1 query scripts', () => {
  it('parse, and draw their points inside the demo data’s extent and period', async () => {
    const scripts = await loadOpt1Queries();
    expect(scripts.map((s) => s.name)).toEqual(['q1_st_contains', 'q2_st_intersects', 'q3_st_dwithin']);
    for (const script of scripts) {
      expect(script.text).not.toMatch(/(?<!:):[a-z]/);
      for (const v of script.variables) {
        if (v.name === 'lon_e6') expect([v.min / 1e6 >= DEMO_EXTENT.xmin, v.max / 1e6 <= DEMO_EXTENT.xmax]).toEqual([true, true]);
        if (v.name === 'lat_e6') expect([v.min / 1e6 >= DEMO_EXTENT.ymin, v.max / 1e6 <= DEMO_EXTENT.ymax]).toEqual([true, true]);
        if (v.name === 't_from') {
          expect(v.min * 1000).toBe(Date.parse(DEMO_EXTENT.createdFrom));
          expect(v.max * 1000).toBeLessThan(Date.parse(DEMO_EXTENT.createdUntil));
        }
      }
    }
    expect(scripts[0]!.text).toMatch(/ST_Contains/);
    expect(scripts[1]!.text).toMatch(/ST_Intersects/);
    expect(scripts[2]!.text).toMatch(/ST_DWithin/);
  });
});
