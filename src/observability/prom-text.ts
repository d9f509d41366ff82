/**
 * A strict reader of the Prometheus text exposition format (version 0.0.4):
 * `# HELP`, `# TYPE`, and sample lines `name{label="value",…} value [timestamp]`.
 * It refuses what Prometheus would refuse (bad names, unterminated or badly
 * escaped label values, unparsable numbers, a sample of a family typed
 * after its samples). Used to prove /metrics is well formed.
 */

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface PromFamily {
  name: string;
  type?: string;
  help?: string;
  samples: PromSample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const SUFFIXES: Record<string, string[]> = { histogram: ['_bucket', '_sum', '_count'], summary: ['_sum', '_count'] };

export class PromTextError extends Error {
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
  }
}

export function parsePromText(text: string): Map<string, PromFamily> {
  const families = new Map<string, PromFamily>();
  const typed = new Map<string, string>();
  const family = (name: string) => {
    let f = families.get(name);
    if (!f) families.set(name, (f = { name, samples: [] }));
    return f;
  };
  text.split('\n').forEach((raw, index) => {
    const lineNo = index + 1;
    const line = raw.trimEnd();
    if (line.trim() === '') return;
    if (line.startsWith('#')) {
      const m = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s+(.*))?$/.exec(line);
      if (!m) return; // a plain comment
      const [, kind, name, rest = ''] = m;
      if (!METRIC_NAME.test(name!)) throw new PromTextError(lineNo, `bad metric name ${name}`);
      if (kind === 'TYPE') {
        if (!TYPES.has(rest.trim())) throw new PromTextError(lineNo, `unknown type ${rest}`);
        if (typed.has(name!)) throw new PromTextError(lineNo, `${name} typed twice`);
        if (families.get(name!)?.samples.length) throw new PromTextError(lineNo, `TYPE of ${name} after its samples`);
        typed.set(name!, rest.trim());
        family(name!).type = rest.trim();
      } else {
        family(name!).help = rest;
      }
      return;
    }
    const sample = parseSampleLine(line, lineNo);
    family(familyOf(sample.name, typed)).samples.push(sample);
  });
  return families;
}

/** The family a sample belongs to: histogram and summary samples carry a suffix. */
function familyOf(sampleName: string, typed: Map<string, string>): string {
  for (const [base, type] of typed) {
    for (const suffix of SUFFIXES[type] ?? []) if (sampleName === base + suffix) return base;
  }
  return sampleName;
}

function parseSampleLine(line: string, lineNo: number): PromSample {
  let i = 0;
  const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
  if (!nameMatch) throw new PromTextError(lineNo, `expected a metric name: ${line}`);
  const name = nameMatch[0];
  i = name.length;
  const labels: Record<string, string> = {};
  if (line[i] === '{') {
    i++;
    while (line[i] !== '}') {
      const ln = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(line.slice(i));
      if (!ln || !LABEL_NAME.test(ln[0])) throw new PromTextError(lineNo, `bad label name at ${i}`);
      i += ln[0].length;
      if (line[i] !== '=' || line[i + 1] !== '"') throw new PromTextError(lineNo, `expected ="…" after ${ln[0]}`);
      i += 2;
      let value = '';
      for (;;) {
        const c = line[i];
        if (c === undefined) throw new PromTextError(lineNo, 'unterminated label value');
        if (c === '"') break;
        if (c === '\\') {
          const next = line[i + 1];
          if (next === 'n') value += '\n';
          else if (next === '\\' || next === '"') value += next;
          else throw new PromTextError(lineNo, `bad escape \\${next ?? ''}`);
          i += 2;
          continue;
        }
        value += c;
        i++;
      }
      i++;
      if (Object.hasOwn(labels, ln[0])) throw new PromTextError(lineNo, `label ${ln[0]} twice`);
      labels[ln[0]] = value;
      if (line[i] === ',') i++;
      else if (line[i] !== '}') throw new PromTextError(lineNo, `expected , or } at ${i}`);
    }
    i++;
  }
  const rest = line.slice(i).trim().split(/\s+/);
  if (rest.length < 1 || rest.length > 2 || rest[0] === '') throw new PromTextError(lineNo, `expected a value: ${line}`);
  const value = parseValue(rest[0]!);
  if (value === undefined) throw new PromTextError(lineNo, `bad value ${rest[0]}`);
  if (rest[1] !== undefined && !/^-?\d+$/.test(rest[1])) throw new PromTextError(lineNo, `bad timestamp ${rest[1]}`);
  return { name, labels, value };
}

function parseValue(text: string): number | undefined {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return undefined;
  return Number(text);
}

/** Every series name a family exposes (a histogram's _bucket, _sum and _count). */
export function seriesNamesOf(family: Pick<PromFamily, 'name' | 'type'>): string[] {
  return [family.name, ...(SUFFIXES[family.type ?? ''] ?? []).map((s) => family.name + s)];
}
