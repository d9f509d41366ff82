import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import type { PathSegment } from './issues.js';

/** A parsed YAML file that can say on which line a path starts. */
export interface YamlSource {
  file: string;
  data: unknown;
  lineOf(path: readonly PathSegment[]): number | undefined;
}

interface SyntaxProblem {
  file: string;
  path: PathSegment[];
  message: string;
  line?: number | undefined;
}

/**
 * Parse YAML 1.2 (core schema: 2026-02-07 stays a string) with merge keys
 * (`<<: *anchor`) allowed, keeping line positions for messages. Syntax
 * errors and duplicate keys are thrown through `makeError`.
 */
export function parseYamlFile(text: string, file: string, makeError: (problems: SyntaxProblem[]) => Error): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, merge: true, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw makeError(
      doc.errors.map((e) => ({
        file,
        path: [],
        message: `YAML: ${e.message.split('\n')[0]}`,
        // linePos is only filled in by prettyErrors; pos (offsets) always is.
        line: e.linePos?.[0]?.line ?? lineCounter.linePos(e.pos[0]).line,
      })),
    );
  }
  const data: unknown = doc.toJS({ maxAliasCount: 10_000 });
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw makeError([{ file, path: [], message: 'expected a mapping at the top of the file' }]);
  }
  return { file, data, lineOf: (path) => lineOf(doc, lineCounter, path) };
}

/** The line of the deepest node along the path that exists. */
function lineOf(doc: Document, counter: LineCounter, path: readonly PathSegment[]): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) return counter.linePos(node.range[0]).line;
  }
  return undefined;
}
