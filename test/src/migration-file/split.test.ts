import { describe, expect, it } from 'vitest';
import { splitStatements, SqlSplitError } from '../../../src/migration-file/split.js';

describe('splitStatements', () => {
  it('splits on top-level semicolons and reports each statement’s first line', () => {
    const sql = 'SELECT 1;\n\n-- a comment; not a statement\nSELECT 2\n  + 3;\n/* block; comment */ SELECT 4';
    expect(splitStatements(sql, 10)).toEqual([
      { sql: 'SELECT 1', line: 10 },
      { sql: 'SELECT 2\n  + 3', line: 13 },
      { sql: 'SELECT 4', line: 15 },
    ]);
  });

  it('keeps semicolons inside strings, identifiers and dollar quotes', () => {
    const sql = [
      "INSERT INTO t VALUES ('a;b', 'it''s;', E'back\\'slash;');",
      'SELECT "odd;name" FROM t;',
      'DO $$ BEGIN PERFORM 1; PERFORM 2; END $$;',
      'CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $body$ SELECT 1; $body$;',
      'SELECT $1::int, a$b FROM t',
    ].join('\n');
    const statements = splitStatements(sql);
    expect(statements.map((s) => s.line)).toEqual([1, 2, 3, 4, 5]);
    expect(statements[2]!.sql).toBe('DO $$ BEGIN PERFORM 1; PERFORM 2; END $$');
    expect(statements[3]!.sql).toContain('$body$ SELECT 1; $body$');
  });

  it('handles nested block comments and comment-only text', () => {
    expect(splitStatements('/* outer /* inner; */ still; */ SELECT 1;')).toEqual([{ sql: 'SELECT 1', line: 1 }]);
    expect(splitStatements('SELECT 1 -- trailing; comment\n + 1;')).toEqual([{ sql: 'SELECT 1 -- trailing; comment\n + 1', line: 1 }]);
    expect(splitStatements('-- only a comment\n\n;;')).toEqual([]);
  });

  it('counts lines inside multi-line strings and dollar quotes', () => {
    const sql = "SELECT 'one\ntwo';\nDO $x$\nBEGIN\nEND\n$x$;\nSELECT 3;";
    expect(splitStatements(sql).map((s) => s.line)).toEqual([1, 3, 7]);
  });

  it('names the line where an unterminated quote opened', () => {
    const attempt = (sql: string) => {
      try {
        splitStatements(sql, 5);
      } catch (err) {
        return err as SqlSplitError;
      }
      throw new Error('expected an error');
    };
    expect(attempt("SELECT 1;\nSELECT 'open\n;").line).toBe(6);
    expect(attempt('SELECT 1;\n\nDO $$ BEGIN').message).toMatch(/unterminated dollar-quoted string \$\$/);
    expect(attempt('SELECT 1;\n\nDO $$ BEGIN').line).toBe(7);
    expect(attempt('/* never closed').message).toMatch(/unterminated \/\* comment/);
    expect(attempt('SELECT "x').message).toMatch(/unterminated quoted identifier/);
  });
});
