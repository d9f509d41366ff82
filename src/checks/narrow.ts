import type pg from 'pg';
import type { TableRef } from './catalog.js';
import { bucketDigests, keyBounds, rowHashes, type BucketDigest, type RowHash, type SplitKey } from './content-hash.js';

/**
 * Where two copies of a table differ, found the way data-diff does it: cut
 * the key range into slices, compare each slice's (row count, hash sum) on
 * both sides, and cut again only the slices that differ, until a slice holds
 * few enough rows to compare row by row. The cost is one pass over the table
 * for the first cut, then passes over ever smaller key ranges (the key's
 * index serves them).
 */

export interface NarrowSide {
  client: pg.ClientBase;
  label: string;
  table: TableRef;
  hash: RowHash;
  key: SplitKey;
}

export interface NarrowOptions {
  /** Slices per cut. */
  factor: number;
  /** A slice with at most this many rows (on either side) is compared row by row. */
  leafRows: number;
  /** Differing slices followed at most; beyond it the evidence says it stopped. */
  maxRanges: number;
  /** Keys listed per kind of difference. */
  maxKeys: number;
  /** Stop cutting after this instant (performance.now() clock), keeping what was found. */
  deadline?: number;
}

export const DEFAULT_NARROW: NarrowOptions = { factor: 16, leafRows: 1000, maxRanges: 20, maxKeys: 50 };

export interface DifferingRange {
  /** Inclusive key bounds. */
  from: string;
  to: string;
  rows: number;
  reference_rows: number;
}

export interface Narrowed {
  key: string;
  ranges: DifferingRange[];
  /** Keys whose rows differ in content, present on both sides. */
  changed: string[];
  only_here: string[];
  only_in_reference: string[];
  counts: { changed: number; only_here: number; only_in_reference: number };
  /** Why the list is incomplete, when it is. */
  stopped?: string;
  passes: number;
}

interface Slice {
  from: bigint;
  to: bigint;
  rows: number;
  referenceRows: number;
}

/** Narrow the difference between `here` and `there` down to key ranges and keys. */
export async function narrowDifference(here: NarrowSide, there: NarrowSide, options: NarrowOptions = DEFAULT_NARROW): Promise<Narrowed> {
  const result: Narrowed = {
    key: here.key.column,
    ranges: [],
    changed: [],
    only_here: [],
    only_in_reference: [],
    counts: { changed: 0, only_here: 0, only_in_reference: 0 },
    passes: 0,
  };
  const [a, b] = await Promise.all([keyBounds(here.client, here.table, here.key), keyBounds(there.client, there.table, there.key)]);
  if (!a && !b) return result;
  const from = a && b ? (a.min < b.min ? a.min : b.min) : (a ?? b)!.min;
  const to = a && b ? (a.max > b.max ? a.max : b.max) : (a ?? b)!.max;

  const pending: Slice[] = [{ from, to, rows: Number.POSITIVE_INFINITY, referenceRows: Number.POSITIVE_INFINITY }];
  const leaves: Slice[] = [];
  const overBudget = () => options.deadline !== undefined && performance.now() > options.deadline;

  while (pending.length > 0) {
    if (overBudget()) {
      result.stopped = 'the time budget ran out while cutting ranges: the ranges listed are the narrowest reached';
      leaves.push(...pending.splice(0));
      break;
    }
    const slice = pending.shift()!;
    const span = slice.to - slice.from + 1n;
    const width = (span + BigInt(options.factor) - 1n) / BigInt(options.factor);
    const range = { from: slice.from, to: slice.to, width };
    const [mine, theirs] = await Promise.all([
      bucketDigests(here.client, here.table, here.hash, here.key, range),
      bucketDigests(there.client, there.table, there.hash, there.key, range),
    ]);
    result.passes++;
    const differing: Slice[] = [];
    for (const bucket of [...new Set([...mine.keys(), ...theirs.keys()])].sort((x, y) => x - y)) {
      const m = mine.get(bucket);
      const t = theirs.get(bucket);
      if (sameDigest(m, t)) continue;
      const start = slice.from + BigInt(bucket) * width;
      const end = start + width - 1n < slice.to ? start + width - 1n : slice.to;
      differing.push({ from: start, to: end, rows: m?.rows ?? 0, referenceRows: t?.rows ?? 0 });
    }
    // The slice just taken off the queue frees one place: at most maxRanges slices are ever followed.
    const room = Math.max(1, options.maxRanges - leaves.length - pending.length);
    if (differing.length > room) {
      result.stopped = `more than ${options.maxRanges} key ranges differ: the first ones are listed`;
      differing.length = room;
    }
    for (const sub of differing) {
      if (Math.max(sub.rows, sub.referenceRows) <= options.leafRows || width === 1n) leaves.push(sub);
      else pending.push(sub);
    }
  }

  leaves.sort((x, y) => (x.from < y.from ? -1 : x.from > y.from ? 1 : 0));
  for (const leaf of leaves) {
    result.ranges.push({ from: leaf.from.toString(), to: leaf.to.toString(), rows: finite(leaf.rows), reference_rows: finite(leaf.referenceRows) });
    // A range still too big to list row by row: the time ran out, or one key value repeats more than leafRows times.
    if (Math.max(leaf.rows, leaf.referenceRows) > options.leafRows) continue;
    const [mine, theirs] = await Promise.all([
      rowHashes(here.client, here.table, here.hash, here.key, leaf.from, leaf.to),
      rowHashes(there.client, there.table, there.hash, there.key, leaf.from, leaf.to),
    ]);
    compareRows(mine, theirs, result, options.maxKeys);
  }
  return result;
}

function sameDigest(a: BucketDigest | undefined, b: BucketDigest | undefined): boolean {
  return a !== undefined && b !== undefined && a.rows === b.rows && a.sum === b.sum;
}

function finite(n: number): number {
  return Number.isFinite(n) ? n : -1;
}

/** Rows of one small range on both sides, compared key by key (a key may repeat: hashes are compared as multisets). */
function compareRows(mine: Array<{ key: string; hash: string }>, theirs: Array<{ key: string; hash: string }>, into: Narrowed, maxKeys: number): void {
  const group = (rows: Array<{ key: string; hash: string }>) => {
    const byKey = new Map<string, string[]>();
    for (const r of rows) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r.hash]);
    return byKey;
  };
  const a = group(mine);
  const b = group(theirs);
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : BigInt(x) > BigInt(y) ? 1 : 0));
  const add = (kind: 'changed' | 'only_here' | 'only_in_reference', key: string) => {
    into.counts[kind]++;
    if (into[kind].length < maxKeys) into[kind].push(key);
  };
  for (const key of keys) {
    const x = a.get(key) ?? [];
    const y = b.get(key) ?? [];
    if (y.length === 0) add('only_here', key);
    else if (x.length === 0) add('only_in_reference', key);
    else if (x.slice().sort().join() !== y.slice().sort().join()) add('changed', key);
  }
}

/** One line for a message: "id 1001..1063: 1 changed (1017); 1 only in shadow (1040)". */
export function describeNarrowed(n: Narrowed, hereLabel: string, referenceLabel: string): string {
  const parts: string[] = [];
  const keys = (list: string[], total: number) => `${list.slice(0, 3).join(', ')}${total > 3 ? ', …' : ''}`;
  if (n.counts.changed) parts.push(`${n.counts.changed} changed (${n.key} ${keys(n.changed, n.counts.changed)})`);
  if (n.counts.only_here) parts.push(`${n.counts.only_here} only in ${hereLabel} (${n.key} ${keys(n.only_here, n.counts.only_here)})`);
  if (n.counts.only_in_reference) parts.push(`${n.counts.only_in_reference} only in ${referenceLabel} (${n.key} ${keys(n.only_in_reference, n.counts.only_in_reference)})`);
  if (parts.length === 0 && n.ranges.length > 0) {
    const r = n.ranges.slice(0, 3).map((x) => `${n.key} ${x.from}..${x.to}`);
    parts.push(`differing ranges ${r.join(', ')}${n.ranges.length > 3 ? ', …' : ''}`);
  }
  return parts.join('; ');
}

/** Why two tables cannot be narrowed by key, or undefined when they can. */
export function keysProblem(a: SplitKey | { problem: string } | undefined, b: SplitKey | { problem: string } | undefined): string | undefined {
  if (!a) return 'no key';
  if ('problem' in a) return a.problem;
  if (!b) return 'no key';
  if ('problem' in b) return b.problem;
  if (a.column !== b.column) return `the keys differ (${a.column} vs ${b.column})`;
  return undefined;
}
