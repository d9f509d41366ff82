import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MigrationFileError, parseMigrationFile } from '../../../src/migration-file/parse.js';
import { formatDuration, parseDuration } from '../../../src/migration-file/duration.js';

const GOOD = `-- A file header comment is fine.

-- golive:file lock_timeout=5s statement_timeout=30min

-- golive:step name=create_things verify="SELECT to_regclass('public.things') IS NOT NULL"
CREATE TABLE things (id int);
INSERT INTO things VALUES (1);

-- golive:step name=index_things transaction=false lock_timeout=500ms statement_timeout=2h
-- golive:+ verify="SELECT EXISTS (SELECT 1 FROM pg_indexes
-- golive:+   WHERE indexname = 'things_id_idx')"
CREATE INDEX CONCURRENTLY things_id_idx ON things (id);
VACUUM things;
`;

function errorOf(text: string, fileName = 'plans/x.sql'): MigrationFileError {
  try {
    parseMigrationFile(text, fileName);
  } catch (err) {
    if (err instanceof MigrationFileError) return err;
    throw err;
  }
  throw new Error('expected a MigrationFileError');
}

describe('parseMigrationFile', () => {
  it('reads steps, their settings, bodies and lines', () => {
    const file = parseMigrationFile(GOOD, 'good.sql');
    expect(file.fileName).toBe('good.sql');
    expect(file.sha256).toBe(createHash('sha256').update(GOOD).digest('hex'));
    expect(file.steps).toHaveLength(2);

    const [create, index] = file.steps;
    expect(create).toMatchObject({
      name: 'create_things',
      verifySql: "SELECT to_regclass('public.things') IS NOT NULL",
      lockTimeout: 5_000,
      statementTimeout: 1_800_000,
      transactional: true,
      line: 5,
      sql: 'CREATE TABLE things (id int);\nINSERT INTO things VALUES (1);',
    });
    expect(create!.statements).toEqual([
      { sql: 'CREATE TABLE things (id int)', line: 6 },
      { sql: 'INSERT INTO things VALUES (1)', line: 7 },
    ]);

    expect(index).toMatchObject({
      name: 'index_things',
      lockTimeout: 500,
      statementTimeout: 7_200_000,
      transactional: false,
      line: 9,
    });
    // A quoted value may run over continuation lines.
    expect(index!.verifySql).toBe("SELECT EXISTS (SELECT 1 FROM pg_indexes\n  WHERE indexname = 'things_id_idx')");
    expect(index!.statements.map((s) => s.line)).toEqual([12, 13]);
  });

  it('takes escapes in quoted values and 0 as "no limit"', () => {
    const file = parseMigrationFile(
      '-- golive:step name=a lock_timeout=0 statement_timeout=0 verify="SELECT \\"x\\" IS NULL FROM (SELECT NULL AS \\"x\\") s WHERE \'a\' ~ \'\\d\'"\nSELECT 1;',
      'f.sql',
    );
    expect(file.steps[0]).toMatchObject({ lockTimeout: 0, statementTimeout: 0 });
    expect(file.steps[0]!.verifySql).toBe(`SELECT "x" IS NULL FROM (SELECT NULL AS "x") s WHERE 'a' ~ '\\d'`);
  });

  it('lets a step override the header and defaults transaction to true', () => {
    const file = parseMigrationFile('-- golive:file lock_timeout=1s statement_timeout=1min transaction=false\n-- golive:step name=a transaction=true verify="SELECT true"\nSELECT 1;\n-- golive:step name=b verify="SELECT true"\nSELECT 2;', 'f.sql');
    expect(file.steps.map((s) => s.transactional)).toEqual([true, false]);
    const noHeader = parseMigrationFile('-- golive:step name=a lock_timeout=1s statement_timeout=1s verify="SELECT true"\nSELECT 1;', 'f.sql');
    expect(noHeader.steps[0]!.transactional).toBe(true);
  });

  it.each([
    ['no marker at all', 'SELECT 1;', 1, /no `-- golive:step` marker/],
    ['SQL before the first step', '-- hello\nSELECT 1;\n-- golive:step name=a lock_timeout=1s statement_timeout=1s verify="SELECT true"\nSELECT 2;', 2, /SQL before the first/],
    ['a step without a name', '-- golive:step lock_timeout=1s statement_timeout=1s verify="SELECT true"\nSELECT 1;', 1, /has no name/],
    ['a bad step name', '-- golive:step name=Copy-Data lock_timeout=1s statement_timeout=1s verify="SELECT true"\nSELECT 1;', 1, /lower case/],
    [
      'a duplicate step name',
      '-- golive:file lock_timeout=1s statement_timeout=1s\n-- golive:step name=a verify="SELECT true"\nSELECT 1;\n-- golive:step name=a verify="SELECT true"\nSELECT 2;',
      4,
      /duplicate step name "a" \(first used on line 2\)/,
    ],
    ['a missing verify', '-- golive:step name=a lock_timeout=1s statement_timeout=1s\nSELECT 1;', 1, /has no verify query/],
    ['a verify with two statements', '-- golive:step name=a lock_timeout=1s statement_timeout=1s verify="SELECT true; SELECT false"\nSELECT 1;', 1, /exactly one SELECT/],
    ['a verify that writes', '-- golive:step name=a lock_timeout=1s statement_timeout=1s verify="DELETE FROM t"\nSELECT 1;', 1, /must be a SELECT/],
    ['no lock_timeout', '-- golive:step name=a statement_timeout=1s verify="SELECT true"\nSELECT 1;', 1, /sets no lock_timeout/],
    ['no statement_timeout', '-- golive:step name=a lock_timeout=1s verify="SELECT true"\nSELECT 1;', 1, /sets no statement_timeout/],
    ['a bad duration', '\n-- golive:step name=a lock_timeout=5 statement_timeout=1s verify="SELECT true"\nSELECT 1;', 2, /lock_timeout=5 is not a duration/],
    ['a bad transaction flag', '-- golive:step name=a lock_timeout=1s statement_timeout=1s transaction=yes verify="SELECT true"\nSELECT 1;', 1, /transaction=true or transaction=false/],
    ['an unknown key', '-- golive:step name=a lock_timeout=1s statement_timeout=1s verify="SELECT true" timeout=5s\nSELECT 1;', 1, /unknown key "timeout"/],
    ['an unknown key in the header', '-- golive:file budget=5min\n-- golive:step name=a lock_timeout=1s statement_timeout=1s verify="SELECT true"\nSELECT 1;', 1, /unknown key "budget" on `-- golive:file`/],
    ['an unknown directive', '-- golive:stpe name=a\nSELECT 1;', 1, /unknown marker `-- golive:stpe`/],
    ['a key given twice', '-- golive:step name=a name=b lock_timeout=1s statement_timeout=1s verify="SELECT true"\nSELECT 1;', 1, /name is given twice/],
    ['an unclosed quote', '-- golive:step name=a lock_timeout=1s statement_timeout=1s\n-- golive:+ verify="SELECT true\nSELECT 1;', 2, /never closed/],
    ['a stray continuation', '-- golive:file lock_timeout=1s statement_timeout=1s\n\n-- golive:+ verify="SELECT true"', 3, /continues a marker/],
    ['a header after a step', '-- golive:step name=a lock_timeout=1s statement_timeout=1s verify="SELECT true"\nSELECT 1;\n-- golive:file lock_timeout=1s', 3, /before the first/],
    ['an empty step', '-- golive:file lock_timeout=1s statement_timeout=1s\n-- golive:step name=a verify="SELECT true"\n-- nothing\n-- golive:step name=b verify="SELECT true"\nSELECT 1;', 2, /step "a" has no SQL/],
    ['an unterminated string in a body', '-- golive:step name=a lock_timeout=1s statement_timeout=1s verify="SELECT true"\nSELECT 1;\nSELECT \'oops;\n', 3, /unterminated quoted string/],
    ['transaction control in a body', '-- golive:step name=a lock_timeout=1s statement_timeout=1s verify="SELECT true"\nBEGIN;\nSELECT 1;\nCOMMIT;', 2, /transaction control inside step "a"/],
    ['CONCURRENTLY in a transactional step', '-- golive:step name=a lock_timeout=1s statement_timeout=1s verify="SELECT true"\nSELECT 1;\nCREATE INDEX CONCURRENTLY i ON t (x);', 3, /CREATE INDEX CONCURRENTLY cannot run inside a transaction block: mark step "a" transaction=false/],
    ['VACUUM in a transactional step', '-- golive:step name=a lock_timeout=1s statement_timeout=1s verify="SELECT true"\nVACUUM t;', 2, /VACUUM cannot run inside a transaction block/],
    ['a psql meta-command', '-- golive:step name=a lock_timeout=1s statement_timeout=1s verify="SELECT true"\n\\set ON_ERROR_STOP 1\nSELECT 1;', 2, /psql meta-commands/],
  ])('refuses %s, naming the file and line', (_label, text, line, message) => {
    const err = errorOf(text, 'plans/opt1/broken.sql');
    expect(err.code).toBe('MIGRATION_FILE_INVALID');
    expect(err.fileName).toBe('plans/opt1/broken.sql');
    expect(err.line).toBe(line);
    expect(err.message.startsWith(`plans/opt1/broken.sql:${line}: `)).toBe(true);
    expect(err.message).toMatch(message);
  });

  it('allows BEGIN inside a DO block and CONCURRENTLY in a non-transactional step', () => {
    const file = parseMigrationFile(
      '-- golive:file lock_timeout=1s statement_timeout=1s\n-- golive:step name=a verify="SELECT true"\nDO $$ BEGIN PERFORM 1; END $$;\n-- golive:step name=b transaction=false verify="SELECT true"\nREINDEX TABLE CONCURRENTLY t;',
      'f.sql',
    );
    expect(file.steps.map((s) => s.statements.length)).toEqual([1, 1]);
  });
});

describe('durations', () => {
  it('reads PostgreSQL-style units and formats them back', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('5s')).toBe(5_000);
    expect(parseDuration('10min')).toBe(600_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('0')).toBe(0);
    for (const bad of ['5', '5m', '1.5s', '-1s', '', '1000h']) expect(parseDuration(bad)).toBeUndefined();
    expect([5_000, 1_800_000, 3_600_000, 750, 0].map(formatDuration)).toEqual(['5s', '30min', '1h', '750ms', 'no limit']);
  });
});
