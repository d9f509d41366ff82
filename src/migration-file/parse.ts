import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { GoliveError } from '../errors.js';
import { parseDuration } from './duration.js';
import { splitStatements, SqlSplitError, type SqlStatement } from './split.js';

/**
 * A migration file is plain SQL split into steps by marker comments
 * (plans/opt1/README.md, "Marker syntax"):
 *
 *   -- golive:file lock_timeout=5s statement_timeout=30min
 *   -- golive:step name=copy_data transaction=false statement_timeout=2h
 *   -- golive:+    verify="SELECT count(*) > 0 FROM catalogo_geometrias_new"
 *   SELECT …;
 *
 * Everything up to the next `-- golive:step` is the step's body. Because the
 * markers are comments, `psql -f` runs the same file unchanged.
 */

export interface MigrationStep {
  /** Unique in its file; the plan keys time budgets by it. */
  name: string;
  /** One SELECT returning one boolean: true once the step's effect is in place. */
  verifySql: string;
  /** Milliseconds for `SET lock_timeout`; 0 means no limit. */
  lockTimeout: number;
  /** Milliseconds for `SET statement_timeout` (applies to each statement); 0 means no limit. */
  statementTimeout: number;
  /** true: the body runs in one transaction; false: each statement commits on its own. */
  transactional: boolean;
  /** The body as written (trimmed). */
  sql: string;
  /** The body split into statements, with their lines in the file. */
  statements: SqlStatement[];
  /** Line of the step's `-- golive:step` marker (1-based). */
  line: number;
}

export interface MigrationFile {
  fileName: string;
  steps: MigrationStep[];
  /** Hex SHA-256 of the file's bytes: the checksum the plan and the runner record. */
  sha256: string;
}

export class MigrationFileError extends GoliveError {
  readonly fileName: string;
  readonly line: number;
  constructor(fileName: string, line: number, problem: string) {
    super('MIGRATION_FILE_INVALID', `${fileName}:${line}: ${problem}`);
    this.name = 'MigrationFileError';
    this.fileName = fileName;
    this.line = line;
  }
}

const MARKER = /^\s*--\s*golive:(\S*)(.*)$/;
const STEP_NAME = /^[a-z][a-z0-9_]{0,62}$/;
const STEP_KEYS = ['name', 'verify', 'lock_timeout', 'statement_timeout', 'transaction'] as const;
const FILE_KEYS = ['lock_timeout', 'statement_timeout', 'transaction'] as const;

/** Statements that PostgreSQL refuses inside a transaction block. */
const NEEDS_OWN_TRANSACTION: Array<[RegExp, string]> = [
  [/^create\s+(unique\s+)?index\s+concurrently\b/i, 'CREATE INDEX CONCURRENTLY'],
  [/^drop\s+index\s+concurrently\b/i, 'DROP INDEX CONCURRENTLY'],
  [/^reindex\b[^;]*\bconcurrently\b/i, 'REINDEX … CONCURRENTLY'],
  [/^reindex\s+(\([^)]*\)\s*)?(database|system)\b/i, 'REINDEX DATABASE/SYSTEM'],
  [/^vacuum\b/i, 'VACUUM'],
  [/^alter\s+table\b[^;]*\bdetach\s+partition\b[^;]*\bconcurrently\b/i, 'DETACH PARTITION … CONCURRENTLY'],
  [/^(create|drop)\s+database\b/i, 'CREATE/DROP DATABASE'],
  [/^alter\s+system\b/i, 'ALTER SYSTEM'],
  [/^(create|drop)\s+tablespace\b/i, 'CREATE/DROP TABLESPACE'],
  [/^(create|drop)\s+subscription\b/i, 'CREATE/DROP SUBSCRIPTION'],
];

/** The runner owns the transactions; a body that opens or ends its own would fight it. */
const TRANSACTION_CONTROL = /^(begin|start\s+transaction|commit|end|rollback|abort)\b/i;

interface Marker {
  kind: 'file' | 'step';
  line: number;
  /** The marker's text after the directive, one entry per line (continuations included). */
  segments: Array<{ text: string; line: number }>;
  attrs: Map<string, { value: string; line: number }>;
}

export function parseMigrationFile(text: string, fileName: string): MigrationFile {
  const fail = (line: number, problem: string): never => {
    throw new MigrationFileError(fileName, line, problem);
  };
  const lines = text.split(/\r?\n/);

  // Pass 1: find markers (with their continuation lines) and the body lines between them.
  let header: Marker | undefined;
  const stepMarkers: Array<{ marker: Marker; bodyStart: number; bodyEnd: number }> = [];
  let current: Marker | undefined; // marker still accepting `-- golive:+` lines
  let preambleEnd = lines.length; // index of the first step marker's line

  for (let index = 0; index < lines.length; index++) {
    const lineNo = index + 1;
    const match = MARKER.exec(lines[index]!);
    if (!match) {
      current = undefined;
      continue;
    }
    const directive = match[1]!;
    const rest = match[2]!;
    if (directive === '+') {
      if (!current) fail(lineNo, '`-- golive:+` continues a marker, but the line above is not a `-- golive:step` or `-- golive:file` marker');
      // One space after the `+` is the separator; any more is the value's own indentation.
      current!.segments.push({ text: rest.replace(/^ /, ''), line: lineNo });
      if (current!.kind === 'step') stepMarkers.at(-1)!.bodyStart = index + 1;
      continue;
    }
    if (directive === 'file') {
      if (stepMarkers.length > 0) fail(lineNo, '`-- golive:file` must come before the first `-- golive:step` marker');
      if (header) fail(lineNo, `a second \`-- golive:file\` header (the first is on line ${header.line})`);
      header = { kind: 'file', line: lineNo, segments: [{ text: rest, line: lineNo }], attrs: new Map() };
      current = header;
      continue;
    }
    if (directive === 'step') {
      const marker: Marker = { kind: 'step', line: lineNo, segments: [{ text: rest, line: lineNo }], attrs: new Map() };
      const previous = stepMarkers.at(-1);
      if (previous) previous.bodyEnd = index;
      else preambleEnd = index;
      stepMarkers.push({ marker, bodyStart: index + 1, bodyEnd: lines.length });
      current = marker;
      continue;
    }
    fail(lineNo, `unknown marker \`-- golive:${directive}\`: use \`-- golive:file\`, \`-- golive:step\` or \`-- golive:+\``);
  }

  if (header) parseAttributes(header, fail);
  for (const { marker } of stepMarkers) parseAttributes(marker, fail);

  if (stepMarkers.length === 0) fail(1, 'no `-- golive:step` marker: every migration file is split into named steps (see plans/opt1/README.md)');

  // Only comments and blank lines may come before the first step.
  const preamble = lines.slice(0, preambleEnd).map((l) => (MARKER.test(l) ? '' : l)).join('\n');
  const stray = splitOrFail(preamble, 1, fail);
  if (stray.length > 0) fail(stray[0]!.line, 'SQL before the first `-- golive:step` marker: every statement must belong to a step');

  const defaults = header ? readCommonAttributes(header, FILE_KEYS, fail) : {};
  const steps: MigrationStep[] = [];
  const seen = new Map<string, number>();

  for (const { marker, bodyStart, bodyEnd } of stepMarkers) {
    const own = readCommonAttributes(marker, STEP_KEYS, fail);
    const name = marker.attrs.get('name');
    if (!name) fail(marker.line, 'the step has no name: add name=<lower_case_name>');
    if (!STEP_NAME.test(name!.value)) fail(name!.line, `step name "${name!.value}" must be lower case letters, digits and _ (starting with a letter, at most 63)`);
    const firstSeen = seen.get(name!.value);
    if (firstSeen !== undefined) fail(marker.line, `duplicate step name "${name!.value}" (first used on line ${firstSeen})`);
    seen.set(name!.value, marker.line);

    const verify = marker.attrs.get('verify');
    if (!verify || verify.value.trim() === '') {
      fail(marker.line, `step "${name!.value}" has no verify query: add verify="SELECT …" returning true once the step's effect is in place`);
    }
    const verifyStatements = splitOrFail(verify!.value, verify!.line, fail);
    if (verifyStatements.length !== 1) fail(verify!.line, `the verify query of step "${name!.value}" must be exactly one SELECT statement`);
    if (!/^(select|with|values)\b/i.test(verifyStatements[0]!.sql)) fail(verify!.line, `the verify query of step "${name!.value}" must be a SELECT (it only reads)`);

    const lockTimeout = own.lockTimeout ?? defaults.lockTimeout;
    if (lockTimeout === undefined) fail(marker.line, `step "${name!.value}" sets no lock_timeout: add lock_timeout=… to the step or to a \`-- golive:file\` header`);
    const statementTimeout = own.statementTimeout ?? defaults.statementTimeout;
    if (statementTimeout === undefined) fail(marker.line, `step "${name!.value}" sets no statement_timeout: add statement_timeout=… to the step or to a \`-- golive:file\` header`);
    const transactional = own.transactional ?? defaults.transactional ?? true;

    const body = lines.slice(bodyStart, bodyEnd).join('\n');
    const statements = splitOrFail(body, bodyStart + 1, fail);
    if (statements.length === 0) fail(marker.line, `step "${name!.value}" has no SQL before the next marker`);
    for (const statement of statements) {
      if (statement.sql.startsWith('\\')) fail(statement.line, 'psql meta-commands (\\…) are not SQL: golive sends statements to the server itself');
      if (TRANSACTION_CONTROL.test(statement.sql)) {
        fail(statement.line, `transaction control inside step "${name!.value}": the runner opens and commits the transaction (transaction=true) or commits each statement (transaction=false); remove it`);
      }
      if (transactional) {
        const refused = NEEDS_OWN_TRANSACTION.find(([pattern]) => pattern.test(statement.sql));
        if (refused) fail(statement.line, `${refused[1]} cannot run inside a transaction block: mark step "${name!.value}" transaction=false`);
      }
    }

    steps.push({
      name: name!.value,
      verifySql: verifyStatements[0]!.sql,
      lockTimeout: lockTimeout!,
      statementTimeout: statementTimeout!,
      transactional,
      sql: body.trim(),
      statements,
      line: marker.line,
    });
  }

  return { fileName, steps, sha256: createHash('sha256').update(text, 'utf8').digest('hex') };
}

/** Read and parse a migration file; errors name the path as given. */
export async function loadMigrationFile(filePath: string): Promise<MigrationFile> {
  const text = await readFile(filePath, 'utf8');
  return parseMigrationFile(text, filePath);
}

type Fail = (line: number, problem: string) => never;

function splitOrFail(sql: string, firstLine: number, fail: Fail): SqlStatement[] {
  try {
    return splitStatements(sql, firstLine);
  } catch (err) {
    if (err instanceof SqlSplitError) fail(err.line, err.message);
    throw err;
  }
}

function readCommonAttributes(
  marker: Marker,
  allowed: readonly string[],
  fail: Fail,
): { lockTimeout?: number; statementTimeout?: number; transactional?: boolean } {
  const where = marker.kind === 'file' ? '`-- golive:file`' : '`-- golive:step`';
  for (const [key, { line }] of marker.attrs) {
    if (!allowed.includes(key)) fail(line, `unknown key "${key}" on ${where}: allowed keys are ${allowed.join(', ')}`);
  }
  const duration = (key: string): number | undefined => {
    const attr = marker.attrs.get(key);
    if (!attr) return undefined;
    const ms = parseDuration(attr.value);
    if (ms === undefined) fail(attr.line, `${key}=${attr.value} is not a duration: write e.g. 500ms, 5s, 10min, 1h, or 0 for no limit`);
    return ms;
  };
  const result: { lockTimeout?: number; statementTimeout?: number; transactional?: boolean } = {
    lockTimeout: duration('lock_timeout'),
    statementTimeout: duration('statement_timeout'),
  };
  const transaction = marker.attrs.get('transaction');
  if (transaction) {
    if (transaction.value !== 'true' && transaction.value !== 'false') fail(transaction.line, `transaction=${transaction.value}: write transaction=true or transaction=false`);
    result.transactional = transaction.value === 'true';
  }
  return result;
}

/**
 * `key=value` pairs separated by white space, over the marker line and its
 * `-- golive:+` continuations. A value is either bare (no white space or
 * double quotes) or double-quoted, where `\"` is a quote and `\\` a
 * backslash (any other backslash stays as written, so SQL regexes survive).
 * A quoted value may run on over continuation lines (joined with a newline),
 * so a long verify query can be laid out readably.
 */
function parseAttributes(marker: Marker, fail: Fail): void {
  const text = marker.segments.map((s) => s.text).join('\n');
  const lineAt = (offset: number): number => {
    let consumed = 0;
    for (const segment of marker.segments) {
      consumed += segment.text.length + 1;
      if (offset < consumed) return segment.line;
    }
    return marker.segments.at(-1)!.line;
  };
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) break;
    const line = lineAt(i);
    const keyMatch = /^([a-z_][a-z0-9_]*)=/.exec(text.slice(i));
    if (!keyMatch) fail(line, `expected key=value in the marker, found "${text.slice(i, i + 30).split('\n')[0]}"`);
    const key = keyMatch![1]!;
    i += keyMatch![0].length;
    let value = '';
    if (text[i] === '"') {
      i++;
      let closed = false;
      while (i < text.length) {
        const ch = text[i]!;
        if (ch === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) {
          value += text[i + 1];
          i += 2;
          continue;
        }
        if (ch === '"') {
          closed = true;
          i++;
          break;
        }
        value += ch;
        i++;
      }
      if (!closed) fail(line, `the value of ${key} opens a double quote that is never closed (a quoted value may continue on \`-- golive:+\` lines)`);
      if (i < text.length && !/\s/.test(text[i]!)) fail(lineAt(i), `expected white space after the quoted value of ${key}`);
    } else {
      const start = i;
      while (i < text.length && !/\s/.test(text[i]!)) {
        if (text[i] === '"') fail(line, `a bare value may not contain a double quote (key ${key}): quote the whole value`);
        i++;
      }
      value = text.slice(start, i);
      if (value === '') fail(line, `${key}= has no value`);
    }
    const earlier = marker.attrs.get(key);
    if (earlier) fail(line, `${key} is given twice for the same marker (first on line ${earlier.line})`);
    marker.attrs.set(key, { value, line });
  }
}
