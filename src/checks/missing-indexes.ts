import type pg from 'pg';
import { indexesOf, resolveTable, type IndexInfo, type TableRef } from './catalog.js';
import { errorOutcome, listShort, readOnly, targetOf } from './read-only.js';
import { defineCheck, type RawOutcome } from './types.js';

/**
 * The indexes the plan expects (method + leading columns) exist on the table
 * and are usable, and (fk_columns) every foreign key of the table has an
 * index led by its columns, without which each delete or key update on the
 * referenced table scans this one.
 *
 * An index that exists but is invalid counts as missing: the planner never
 * uses it. For a partitioned table the indexes declared on the table count
 * (each exists on every partition).
 */

interface Expected {
  what: string;
  method: string;
  columns: string[];
  found: string | null;
  note?: string;
}

export const missingIndexesCheck = defineCheck({
  type: 'missing_indexes',
  defaultTimeoutMs: 60_000,
  async run(params, ctx): Promise<RawOutcome> {
    const target = targetOf(ctx);
    const evidence: Record<string, unknown> = { table: params.table, fk_columns: params.fk_columns };
    let measured: string | { table: TableRef; expected: Expected[]; indexes: IndexInfo[] };
    try {
      measured = await readOnly(ctx, target, async (client) => {
        const table = await resolveTable(client, params.table);
        if (!table) return `${params.table} does not exist in ${ctx.environment}`;
        const indexes = await indexesOf(client, [table.oid]);
        const expected: Expected[] = params.expected.map((e) => locate({ what: 'expected by the plan', method: e.method, columns: e.columns }, indexes, false));
        if (params.fk_columns) {
          for (const fk of await foreignKeyColumns(client, table)) {
            expected.push(locate({ what: `for foreign key ${fk.name}`, method: 'btree', columns: fk.columns }, indexes, true));
          }
        }
        return { table, expected, indexes };
      });
    } catch (err) {
      return errorOutcome(target, err, `listing the indexes of ${params.table}`, { missing: null }, evidence);
    }
    if (typeof measured === 'string') return { status: 'fail', observed: { missing: null }, evidence, message: measured };

    const { table, expected, indexes } = measured;
    const missing = expected.filter((e) => !e.found);
    Object.assign(evidence, {
      table: table.display,
      expected,
      present: indexes.map((i) => ({ index: i.display, method: i.method, columns: i.columns, valid: i.valid })),
    });
    const observed = { missing: missing.length };
    if (missing.length) {
      const list = missing.map((m) => `${m.method} (${m.columns.join(', ')}) ${m.what}${m.note ? ` [${m.note}]` : ''}`);
      return { status: 'fail', observed, evidence, message: `${table.display} lacks ${missing.length === 1 ? 'an index' : `${missing.length} indexes`}: ${listShort(list, 3)}` };
    }
    return { status: 'pass', observed, evidence, message: `all ${expected.length} expected indexes present and valid on ${table.display}` };
  },
});

/**
 * The first index of the method whose leading key columns are the expected
 * ones: in order for an expected index, in any order for a foreign key.
 */
function locate(e: Omit<Expected, 'found'>, indexes: IndexInfo[], anyOrder: boolean): Expected {
  const fits = (i: IndexInfo) => {
    if (i.method !== e.method) return false;
    const lead = i.columns.slice(0, e.columns.length);
    return anyOrder ? lead.length === e.columns.length && e.columns.every((c) => lead.includes(c)) : e.columns.every((c, n) => lead[n] === c);
  };
  const usable = indexes.find((i) => fits(i) && i.valid && i.ready);
  if (usable) return { ...e, found: usable.display };
  const broken = indexes.find(fits);
  return { ...e, found: null, ...(broken ? { note: `${broken.display} exists but is invalid` } : {}) };
}

async function foreignKeyColumns(client: pg.ClientBase, table: TableRef): Promise<Array<{ name: string; columns: string[] }>> {
  const { rows } = await client.query<{ name: string; columns: string[] }>(
    `SELECT con.conname AS name,
            ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS columns
       FROM pg_constraint con WHERE con.conrelid = $1 AND con.contype = 'f' ORDER BY con.conname`,
    [table.oid],
  );
  return rows;
}
