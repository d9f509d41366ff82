import type pg from 'pg';
import { redactUrl } from '../redact.js';
import { resolveTable, userTables, type TableRef } from './catalog.js';
import { DIGEST_SETTINGS, rowHashOf, splitKeyOf, tableDigest, tableMd5, type HashedColumn, type RowHash, type SplitKey, type TableDigest } from './content-hash.js';
import { DEFAULT_NARROW, describeNarrowed, keysProblem, narrowDifference, type Narrowed } from './narrow.js';
import { errorOutcome, plural, readOnly, targetOf, type Target } from './read-only.js';
import { referenceEnvironment } from './reference.js';
import { defineCheck, type CheckContext, type RawOutcome } from './types.js';

/**
 * Content equality of tables against a reference: the same tables in another
 * environment (staging against shadow), or one table against another here
 * (the partitioned table against its legacy copy). Each side computes an
 * order-independent digest (content-hash.ts) in its own session, both at
 * once; a table that differs is then narrowed down to key ranges and keys
 * (narrow.ts) so a DBA knows where to look.
 */

interface SideTable {
  table?: TableRef;
  hash?: RowHash;
  digest?: TableDigest;
  key?: SplitKey | { problem: string };
}

interface Side {
  target: Target;
  label: string;
  /** Requested names in order, or 'all'. */
  names: string[] | 'all';
}

interface TableComparison {
  table: string;
  reference_table: string;
  status: 'match' | 'mismatch';
  reason?: string;
  rows: Record<string, number | null>;
  digest: Record<string, string | null>;
  ms: Record<string, number | null>;
  columns?: string[];
  column_notes?: string;
  narrowed?: Narrowed;
  narrowing_skipped?: string;
}

const METHOD_TEXT = {
  hash_record_extended:
    'count(*) and sum of hash_record_extended(ROW(every column in name order), 0) over all rows; columns without a hash function read as bytea (geometry: EWKB) or text',
  md5: "md5 of the sorted md5(ROW(every column in name order)::text) of all rows (ordered, exact, slow)",
} as const;

export const checksumCompareCheck = defineCheck({
  type: 'checksum_compare',
  defaultTimeoutMs: 30 * 60_000,
  async run(params, ctx): Promise<RawOutcome> {
    const started = performance.now();
    const here = targetOf(ctx);
    const against = params.against;
    const empty = { matched: null, mismatched: null, tables: null };

    let sides: [Side, Side];
    if ('snapshot' in against) {
      return {
        status: 'skipped',
        observed: empty,
        evidence: { against },
        message: `comparing content with a stored snapshot (${against.snapshot}) is not available: compare with an environment or a table`,
      };
    } else if ('table' in against) {
      if (params.tables === 'all' || params.tables.length !== 1) {
        return { status: 'error', observed: empty, evidence: { against }, message: 'against: { table } compares one table with another: name exactly one table in tables' };
      }
      sides = [
        { target: here, label: params.tables[0]!, names: params.tables },
        { target: here, label: against.table, names: [against.table] },
      ];
    } else {
      const there = referenceEnvironment(ctx, against.environment);
      if ('problem' in there) return { status: 'error', observed: empty, evidence: { against }, message: there.problem };
      sides = [
        { target: here, label: ctx.environment, names: params.tables },
        { target: there, label: there.environment, names: params.tables },
      ];
    }
    const [mine, theirs] = sides;
    const evidence: Record<string, unknown> = {
      environment: ctx.environment,
      reference: 'environment' in against ? { environment: against.environment } : { table: against.table },
      algorithm: params.algorithm,
      method: METHOD_TEXT[params.algorithm],
      databases: Object.fromEntries(sides.map((side) => [side.label, redactUrl(side.target.url)])),
    };

    // Both sides at once, each in its own session; both sessions end before anything is returned.
    const settled = await Promise.allSettled(sides.map((side) => readOnly(ctx, side.target, (client) => digestSide(client, side.names, params.algorithm))));
    const digests: Array<Map<string, SideTable>> = [];
    for (const [i, r] of settled.entries()) {
      if (r.status === 'rejected') return errorOutcome(sides[i]!.target, r.reason, 'computing table digests', empty, evidence);
      digests.push(r.value);
    }

    const pairs = pairTables(mine, theirs, 'table' in against ? 'by_position' : 'by_name', digests[0]!, digests[1]!);
    const comparisons: TableComparison[] = pairs.map(([a, b, nameA, nameB]) => compare(a, b, nameA, nameB, mine.label, theirs.label));

    // Narrow each differing table while the budget lasts; a failure here keeps the verdict and says why.
    const deadline = started + ctx.timeoutMs * 0.85;
    for (const [index, c] of comparisons.entries()) {
      if (c.status !== 'mismatch' || c.reason) continue;
      const [a, b] = pairs[index]!;
      const why = keysProblem(a.key, b.key);
      if (why) {
        c.narrowing_skipped = why;
        continue;
      }
      if (performance.now() > deadline) {
        c.narrowing_skipped = 'the time budget ran out before this table';
        continue;
      }
      try {
        c.narrowed = await narrowPair(ctx, mine, theirs, a, b, deadline);
      } catch (err) {
        c.narrowing_skipped = errorOutcome(here, err, 'narrowing the difference', {}).message;
      }
    }

    const mismatched = comparisons.filter((c) => c.status === 'mismatch');
    const observed = { matched: comparisons.length - mismatched.length, mismatched: mismatched.length, tables: comparisons.length };
    evidence.tables = comparisons;
    if (comparisons.length === 0) {
      return { status: 'fail', observed, evidence, message: 'no table to compare: neither side has one' };
    }
    if (mismatched.length === 0) {
      const rows = comparisons.reduce((n, c) => n + (c.rows[mine.label] ?? 0), 0);
      return {
        status: 'pass',
        observed,
        evidence,
        message: `${plural(comparisons.length, 'table')} ${comparisons.length === 1 ? 'matches' : 'match'} ${theirs.label}: ${rows.toLocaleString('en')} rows, every column compared`,
      };
    }
    const details = mismatched.slice(0, 3).map((c) => `${c.table}: ${mismatchLine(c, mine.label, theirs.label)}`);
    return {
      status: 'fail',
      observed,
      evidence,
      message: `${mismatched.length} of ${plural(comparisons.length, 'table')} differ from ${theirs.label}: ${details.join(' | ')}${mismatched.length > 3 ? ' | …' : ''}`,
    };
  },
});

/** Digest every requested table on one side, in one READ ONLY transaction. */
async function digestSide(client: pg.Client, names: string[] | 'all', algorithm: 'hash_record_extended' | 'md5'): Promise<Map<string, SideTable>> {
  await client.query(DIGEST_SETTINGS);
  const out = new Map<string, SideTable>();
  const tables: Array<[string, TableRef | undefined]> =
    names === 'all' ? (await userTables(client)).map((t) => [t.display, t]) : await Promise.all(names.map(async (n) => [n, await resolveTable(client, n)] as [string, TableRef | undefined]));
  for (const [name, table] of tables) {
    if (!table) {
      out.set(name, {});
      continue;
    }
    const hash = await rowHashOf(client, table);
    const digest = algorithm === 'md5' ? await tableMd5(client, table, hash) : await tableDigest(client, table, hash);
    out.set(name, { table, hash, digest, key: await splitKeyOf(client, table) });
  }
  return out;
}

type Pair = [SideTable, SideTable, string, string];

function pairTables(mine: Side, theirs: Side, pairing: 'by_name' | 'by_position', a: Map<string, SideTable>, b: Map<string, SideTable>): Pair[] {
  if (pairing === 'by_position' && mine.names !== 'all' && theirs.names !== 'all') {
    // One table against another (the legacy copy).
    const other = theirs.names;
    return mine.names.map((name, i) => [a.get(name) ?? {}, b.get(other[i]!) ?? {}, name, other[i]!]);
  }
  const names = [...new Set([...a.keys(), ...b.keys()])];
  return names.map((name) => [a.get(name) ?? {}, b.get(name) ?? {}, name, name]);
}

function compare(a: SideTable, b: SideTable, nameA: string, nameB: string, labelA: string, labelB: string): TableComparison {
  const c: TableComparison = {
    table: a.table?.display ?? nameA,
    reference_table: b.table?.display ?? nameB,
    status: 'match',
    rows: { [labelA]: a.digest?.rows ?? null, [labelB]: b.digest?.rows ?? null },
    digest: { [labelA]: a.digest?.sum ?? null, [labelB]: b.digest?.sum ?? null },
    ms: { [labelA]: a.digest?.ms ?? null, [labelB]: b.digest?.ms ?? null },
  };
  if (!a.table || !b.table) {
    c.status = 'mismatch';
    c.reason = !a.table && !b.table ? `${nameA} exists on neither side` : !a.table ? `${nameA} does not exist in ${labelA}` : `${nameB} does not exist in ${labelB}`;
    return c;
  }
  c.columns = a.hash!.columns.map(columnText);
  const columnProblem = columnDifference(a.hash!.columns, b.hash!.columns, labelA, labelB);
  if (columnProblem?.incomparable) {
    c.status = 'mismatch';
    c.reason = columnProblem.text;
    return c;
  }
  if (columnProblem) c.column_notes = columnProblem.text;
  if (a.digest!.rows !== b.digest!.rows || a.digest!.sum !== b.digest!.sum) c.status = 'mismatch';
  return c;
}

function columnText(c: HashedColumn): string {
  return c.as === 'value' ? `${c.name} ${c.type}` : `${c.name} ${c.type} (as ${c.as})`;
}

/** Different column names make digests incomparable; different type modifiers are only worth a note. */
function columnDifference(a: HashedColumn[], b: HashedColumn[], labelA: string, labelB: string): { text: string; incomparable: boolean } | undefined {
  const namesA = new Set(a.map((c) => c.name));
  const namesB = new Set(b.map((c) => c.name));
  const onlyA = a.filter((c) => !namesB.has(c.name)).map((c) => c.name);
  const onlyB = b.filter((c) => !namesA.has(c.name)).map((c) => c.name);
  const modes = a.filter((c) => b.some((d) => d.name === c.name && d.as !== c.as)).map((c) => c.name);
  if (onlyA.length || onlyB.length || modes.length) {
    const parts = [
      onlyA.length ? `columns only in ${labelA}: ${onlyA.join(', ')}` : '',
      onlyB.length ? `columns only in ${labelB}: ${onlyB.join(', ')}` : '',
      modes.length ? `columns of incomparable types: ${modes.join(', ')}` : '',
    ].filter(Boolean);
    return { text: parts.join('; '), incomparable: true };
  }
  const types = a.filter((c) => b.some((d) => d.name === c.name && d.type !== c.type)).map((c) => `${c.name} (${c.type} vs ${b.find((d) => d.name === c.name)!.type})`);
  return types.length ? { text: `column types differ: ${types.join(', ')}`, incomparable: false } : undefined;
}

async function narrowPair(ctx: CheckContext, mine: Side, theirs: Side, a: SideTable, b: SideTable, deadline: number): Promise<Narrowed> {
  return readOnly(ctx, mine.target, async (clientA) => {
    await clientA.query(DIGEST_SETTINGS);
    return readOnly(ctx, theirs.target, async (clientB) => {
      await clientB.query(DIGEST_SETTINGS);
      return narrowDifference(
        { client: clientA, label: mine.label, table: a.table!, hash: a.hash!, key: a.key as SplitKey },
        { client: clientB, label: theirs.label, table: b.table!, hash: b.hash!, key: b.key as SplitKey },
        { ...DEFAULT_NARROW, deadline },
      );
    });
  });
}

function mismatchLine(c: TableComparison, labelA: string, labelB: string): string {
  if (c.reason) return c.reason;
  const rowsA = c.rows[labelA];
  const rowsB = c.rows[labelB];
  const counts = rowsA === rowsB ? `${rowsA?.toLocaleString('en')} rows on both sides, content differs` : `${rowsA?.toLocaleString('en')} rows vs ${rowsB?.toLocaleString('en')}`;
  if (c.narrowed) {
    const found = describeNarrowed(c.narrowed, labelA, labelB);
    return found ? `${counts}; ${found}` : counts;
  }
  return c.narrowing_skipped ? `${counts} (not narrowed: ${c.narrowing_skipped})` : counts;
}

