import { expectationsOf, type Check } from '../plan/schema.js';
import type { ResultStatus } from '../store/runs.js';

/** Small Markdown pieces shared by the documents. Pure. */

/** A table cell: no pipes or newlines may break the row. */
export function cell(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  return String(value).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function table(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  if (rows.length === 0) return '_(none)_';
  return [`| ${headers.map(cell).join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');
}

export function bullets(lines: readonly string[]): string {
  return lines.length ? lines.map((l) => `- ${l}`).join('\n') : '_(none)_';
}

/** A number with at most `digits` decimals and grouped thousands; '—' when absent. */
export function num(value: unknown, digits = 2): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '—';
  return value.toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: digits });
}

export function ms(value: unknown): string {
  return typeof value === 'number' && Number.isFinite(value) ? `${num(value, 2)} ms` : '—';
}

export function pct(value: unknown, signed = false): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '—';
  return `${signed && value > 0 ? '+' : ''}${num(value, 2)} %`;
}

/** Duration in ms as "4 min 12 s" / "12.3 s" / "850 ms". */
export function duration(valueMs: unknown): string {
  if (typeof valueMs !== 'number' || !Number.isFinite(valueMs)) return '—';
  if (valueMs < 1000) return `${Math.round(valueMs)} ms`;
  if (valueMs < 60_000) return `${num(valueMs / 1000, 1)} s`;
  const minutes = Math.floor(valueMs / 60_000);
  const seconds = Math.round((valueMs % 60_000) / 1000);
  if (minutes < 60) return `${minutes} min ${seconds} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

const STATUS: Record<ResultStatus | 'missing', string> = {
  pass: '✅ pass',
  fail: '❌ fail',
  error: '⚠️ error',
  skipped: '⏭️ skipped',
  pending: '⏳ pending',
  missing: '— not run',
};

export function statusLabel(status: ResultStatus | undefined): string {
  return STATUS[status ?? 'missing'];
}

/** A check's pass rule as written in the plan ("improvement_pct ≥ 10", advisory ones marked). */
export function expectationText(check: Pick<Check, 'expect'>): string {
  const list = expectationsOf(check);
  if (list.length === 0) return 'decided by the check';
  return list
    .map((e) => {
      const op = { '>=': '≥', '<=': '≤', '==': '=', '!=': '≠' }[e.op as string] ?? e.op;
      const value = e.op === 'between' ? `${e.value}-${e.max}` : String(e.value);
      return `${e.metric ?? 'value'} ${e.op === 'between' ? 'in' : op} ${value}${e.unit ? ` ${e.unit}` : ''}${e.advisory ? ' (advisory)' : ''}`;
    })
    .join('; ');
}

/** A value read from a JSON object by path, or undefined. */
export function pick(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A plan range as written: "10m", or { min: 60s, max: 90s } as "60s-90s". */
export function rangeText(range: unknown): string {
  if (typeof range === 'string' || typeof range === 'number') return String(range);
  if (isRecord(range) && range.min !== undefined && range.max !== undefined) return `${String(range.min)}-${String(range.max)}`;
  return '—';
}
