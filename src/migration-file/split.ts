/**
 * Splitting SQL text into statements, the way the server would read it:
 * semicolons inside strings, quoted identifiers, dollar-quoted bodies and
 * comments do not end a statement.
 *
 * Needed for non-transactional steps: a multi-statement simple query runs as
 * one implicit transaction, so `CREATE INDEX CONCURRENTLY`, `VACUUM` or
 * `REINDEX … CONCURRENTLY` must be sent one statement at a time.
 */

export interface SqlStatement {
  /** The statement text from its first token to its end, without the terminating semicolon. */
  sql: string;
  /** 1-based line (in the text given, shifted by `firstLine - 1`) where the statement's first token is. */
  line: number;
}

export class SqlSplitError extends Error {
  readonly line: number;
  constructor(message: string, line: number) {
    super(message);
    this.name = 'SqlSplitError';
    this.line = line;
  }
}

const DOLLAR_TAG = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/;

/**
 * Split `text` into statements. `firstLine` is the line number of the text's
 * first line in its file, so reported lines point into the file.
 * Throws SqlSplitError for an unterminated string, identifier, dollar quote or
 * block comment, naming the line where it opened.
 */
export function splitStatements(text: string, firstLine = 1): SqlStatement[] {
  const statements: SqlStatement[] = [];
  let line = firstLine;
  let firstTokenLine: number | undefined; // line of the current statement's first non-comment token
  let firstTokenIndex = 0;
  let i = 0;

  // A statement's text starts at its first token: comments before it belong
  // to no statement (and must not be mistaken for part of it).
  const push = (end: number) => {
    if (firstTokenLine !== undefined) statements.push({ sql: text.slice(firstTokenIndex, end).trim(), line: firstTokenLine });
    firstTokenLine = undefined;
  };
  const countLines = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (text[k] === '\n') line++;
  };
  const markToken = () => {
    if (firstTokenLine === undefined) {
      firstTokenLine = line;
      firstTokenIndex = i;
    }
  };

  while (i < text.length) {
    const ch = text[i]!;
    const next = text[i + 1];

    if (ch === '\n') {
      line++;
      i++;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\f' || ch === '\v') {
      i++;
      continue;
    }
    // -- line comment
    if (ch === '-' && next === '-') {
      const end = text.indexOf('\n', i);
      i = end === -1 ? text.length : end;
      continue;
    }
    // /* block comment */, nested as in PostgreSQL
    if (ch === '/' && next === '*') {
      const openLine = line;
      let depth = 1;
      let k = i + 2;
      while (k < text.length && depth > 0) {
        if (text[k] === '/' && text[k + 1] === '*') {
          depth++;
          k += 2;
        } else if (text[k] === '*' && text[k + 1] === '/') {
          depth--;
          k += 2;
        } else k++;
      }
      if (depth > 0) throw new SqlSplitError('unterminated /* comment', openLine);
      countLines(i, k);
      i = k;
      continue;
    }
    if (ch === ';') {
      push(i);
      i++;
      continue;
    }

    markToken();

    // 'string', with '' doubling; E'string' also takes backslash escapes
    if (ch === "'") {
      const prev = i > 0 ? text[i - 1] : undefined;
      const escapes = (prev === 'E' || prev === 'e') && !isIdentChar(text[i - 2]);
      const openLine = line;
      let k = i + 1;
      for (;;) {
        if (k >= text.length) throw new SqlSplitError('unterminated quoted string', openLine);
        const c = text[k]!;
        if (escapes && c === '\\') {
          k += 2;
          continue;
        }
        if (c === "'") {
          if (text[k + 1] === "'") {
            k += 2;
            continue;
          }
          break;
        }
        k++;
      }
      countLines(i, k + 1);
      i = k + 1;
      continue;
    }
    // "quoted identifier"
    if (ch === '"') {
      const openLine = line;
      let k = i + 1;
      for (;;) {
        if (k >= text.length) throw new SqlSplitError('unterminated quoted identifier', openLine);
        if (text[k] === '"') {
          if (text[k + 1] === '"') {
            k += 2;
            continue;
          }
          break;
        }
        k++;
      }
      countLines(i, k + 1);
      i = k + 1;
      continue;
    }
    // $tag$ dollar quote $tag$ (not $1, and not inside an identifier like a$b)
    if (ch === '$' && !isIdentChar(text[i - 1])) {
      const match = DOLLAR_TAG.exec(text.slice(i, i + 128));
      if (match) {
        const tag = match[0];
        const openLine = line;
        const close = text.indexOf(tag, i + tag.length);
        if (close === -1) throw new SqlSplitError(`unterminated dollar-quoted string ${tag}`, openLine);
        countLines(i, close + tag.length);
        i = close + tag.length;
        continue;
      }
    }
    // any other token character: identifiers, numbers, operators
    i++;
    while (i < text.length && isIdentChar(text[i])) i++;
  }
  push(text.length);
  return statements;
}

function isIdentChar(ch: string | undefined): boolean {
  return ch !== undefined && /[A-Za-z0-9_$\u0080-\uffff]/.test(ch);
}
