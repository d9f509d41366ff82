import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { GoliveError } from '../errors.js';
import { splitStatements, SqlSplitError } from '../migration-file/split.js';
import { fromRoot } from '../paths.js';

/**
 * The seed's Q1-Q3 live in plans/opt1/queries/ as pgbench scripts, so the
 * same file drives `pgbench -f` and golive's own load test. golive reads a
 * deliberately small subset of pgbench's script language:
 *
 *   -- comments and blank lines
 *   \set NAME random(MIN, MAX)      integers, MIN <= MAX, one per line
 *   one SQL statement using :NAME   (may span lines; ends with ; or the file)
 *
 * `:NAME` becomes a numbered parameter (`$1::bigint`, the same number for
 * every use of one name); values are drawn uniformly from [MIN, MAX] by a
 * seeded generator, so a load test can be replayed exactly.
 */

export interface PgbenchVariable {
  name: string;
  min: number;
  max: number;
  line: number;
}

export interface PgbenchScript {
  /** File name without directory and extension, e.g. `q1_st_contains`. */
  name: string;
  fileName: string;
  variables: PgbenchVariable[];
  /** The statement as pgbench sees it, with :NAME references. */
  pgbenchSql: string;
  /** The statement with $n placeholders, for a parametrised query. */
  text: string;
  /** Variable name behind $1, $2, … (in order of first use). */
  parameterNames: string[];
}

export class PgbenchScriptError extends GoliveError {
  constructor(fileName: string, line: number, problem: string) {
    super('PGBENCH_SCRIPT_INVALID', `${fileName}:${line}: ${problem}`);
    this.name = 'PgbenchScriptError';
  }
}

const SET_RANDOM = /^\\set\s+([A-Za-z_][A-Za-z0-9_]*)\s+random\(\s*(-?\d+)\s*,\s*(-?\d+)\s*\)\s*$/;
const VARIABLE_REF = /(?<![:A-Za-z0-9_]):([A-Za-z_][A-Za-z0-9_]*)/g;

export function parsePgbenchScript(text: string, fileName: string): PgbenchScript {
  const fail = (line: number, problem: string): never => {
    throw new PgbenchScriptError(fileName, line, problem);
  };
  const lines = text.split(/\r?\n/);
  const variables: PgbenchVariable[] = [];
  const sqlLines: string[] = [];
  let sqlStartLine = 0;

  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const trimmed = raw.trim();
    if (trimmed.startsWith('\\')) {
      if (sqlStartLine) fail(lineNo, 'a \\set line after the SQL statement: put every \\set before it');
      const match = SET_RANDOM.exec(trimmed);
      if (!match) fail(lineNo, `only "\\set NAME random(MIN, MAX)" lines are supported here, found "${trimmed}"`);
      const [, name, minText, maxText] = match!;
      const min = Number(minText);
      const max = Number(maxText);
      if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max)) fail(lineNo, `random(${minText}, ${maxText}) is outside the safe integer range`);
      if (min > max) fail(lineNo, `random(${min}, ${max}): MIN is greater than MAX`);
      if (variables.some((v) => v.name === name)) fail(lineNo, `variable ${name} is set twice`);
      variables.push({ name: name!, min, max, line: lineNo });
      sqlLines.push('');
      return;
    }
    if (!sqlStartLine && trimmed !== '' && !trimmed.startsWith('--')) sqlStartLine = lineNo;
    sqlLines.push(raw);
  });

  let statements;
  try {
    statements = splitStatements(sqlLines.join('\n'));
  } catch (err) {
    if (err instanceof SqlSplitError) fail(err.line, err.message);
    throw err;
  }
  if (statements.length === 0) fail(lines.length, 'no SQL statement after the \\set lines');
  if (statements.length > 1) fail(statements[1]!.line, 'more than one SQL statement: golive runs one statement per script');
  const pgbenchSql = statements[0]!.sql;

  const parameterNames: string[] = [];
  const queryText = pgbenchSql.replace(VARIABLE_REF, (whole, name: string) => {
    if (!variables.some((v) => v.name === name)) fail(sqlStartLine, `:${name} is used but never \\set`);
    let index = parameterNames.indexOf(name);
    if (index === -1) index = parameterNames.push(name) - 1;
    // pgbench pastes the integer in as text; a bigint parameter behaves the same.
    return `$${index + 1}::bigint`;
  });

  return {
    name: path.basename(fileName).replace(/\.sql$/, ''),
    fileName,
    variables,
    pgbenchSql,
    text: queryText,
    parameterNames,
  };
}

export async function loadPgbenchScript(filePath: string): Promise<PgbenchScript> {
  return parsePgbenchScript(await readFile(filePath, 'utf8'), filePath);
}

/** The seed's three queries, in order. */
export const OPT1_QUERY_FILES = ['q1_st_contains.sql', 'q2_st_intersects.sql', 'q3_st_dwithin.sql'] as const;

export async function loadOpt1Queries(dir: string = fromRoot('plans', 'opt1', 'queries')): Promise<PgbenchScript[]> {
  return Promise.all(OPT1_QUERY_FILES.map((file) => loadPgbenchScript(path.join(dir, file))));
}

/**
 * A deterministic source of parameter values for `script`: each call returns
 * the values for $1, $2, … The same seed gives the same sequence.
 */
export function createParameterGenerator(script: PgbenchScript, seed: number | string): () => number[] {
  const next = splitmix64(seedToBigInt(seed));
  const byName = new Map(script.variables.map((v) => [v.name, v]));
  return () =>
    script.parameterNames.map((name) => {
      const v = byName.get(name)!;
      const span = BigInt(v.max) - BigInt(v.min) + 1n;
      // Modulo bias is below 2^-20 for any span under 2^44: irrelevant for a load test.
      return Number(BigInt(v.min) + (next() % span));
    });
}

const MASK64 = (1n << 64n) - 1n;

/** SplitMix64: tiny, fast enough, and well mixed even for consecutive seeds. */
function splitmix64(seed: bigint): () => bigint {
  let state = seed & MASK64;
  return () => {
    state = (state + 0x9e3779b97f4a7c15n) & MASK64;
    let z = state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
    return z ^ (z >> 31n);
  };
}

function seedToBigInt(seed: number | string): bigint {
  if (typeof seed === 'number' && Number.isSafeInteger(seed)) return BigInt(seed);
  // Strings (and odd numbers) hash to a 64-bit seed with FNV-1a.
  let hash = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(String(seed), 'utf8')) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & MASK64;
  }
  return hash;
}
