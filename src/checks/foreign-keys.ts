import type pg from 'pg';
import { quoteIdent } from '../db/pool.js';
import { resolveTable } from './catalog.js';
import { errorOutcome, listShort, plural, readOnly, targetOf } from './read-only.js';
import { defineCheck, type RawOutcome } from './types.js';

/**
 * Foreign keys touching the tables (declared on them, or referencing them):
 * each must be validated (`convalidated`: a constraint added NOT VALID and
 * never validated promises nothing about old rows), and, with verify_rows,
 * no row may reference a missing parent: one anti-join per constraint, under
 * the check's statement_timeout. Rows slip past a constraint when its
 * triggers are disabled (session_replication_role = replica, DISABLE
 * TRIGGER ALL): the evidence says when they are.
 *
 * On a partitioned table the constraint declared on the parent is checked
 * once, over all partitions (its per-partition clones are not repeated).
 */

const SAMPLE_KEYS = 10;

interface Constraint {
  name: string;
  definition: string;
  validated: boolean;
  match: string;
  child: string;
  child_sql: string;
  child_columns: string[];
  parent: string;
  parent_sql: string;
  parent_columns: string[];
  triggers_disabled: boolean;
}

interface ConstraintResult {
  constraint: string;
  table: string;
  references: string;
  definition: string;
  validated: boolean;
  enforced: boolean;
  orphans: number | null;
  orphan_keys?: string[];
  ms?: number;
}

export const foreignKeysCheck = defineCheck({
  type: 'foreign_keys',
  defaultTimeoutMs: 30 * 60_000,
  async run(params, ctx): Promise<RawOutcome> {
    const target = targetOf(ctx);
    const empty = { violations: null, not_validated: null, orphans: null, constraints: null };
    const evidence: Record<string, unknown> = { tables: params.tables, verify_rows: params.verify_rows };
    let found: { missing: string[]; results: ConstraintResult[] };
    try {
      found = await readOnly(ctx, target, async (client) => {
        const missing: string[] = [];
        const oids: number[] = [];
        for (const name of params.tables) {
          const table = await resolveTable(client, name);
          if (table) oids.push(table.oid);
          else missing.push(name);
        }
        const results: ConstraintResult[] = [];
        for (const c of await constraintsOf(client, oids)) results.push(await verify(client, c, params.verify_rows));
        return { missing, results };
      });
    } catch (err) {
      return errorOutcome(target, err, 'checking foreign keys', empty, evidence);
    }
    const { missing, results } = found;
    evidence.constraints = results;
    if (missing.length) evidence.missing_tables = missing;

    const notValidated = results.filter((r) => !r.validated);
    const withOrphans = results.filter((r) => (r.orphans ?? 0) > 0);
    const orphans = params.verify_rows ? results.reduce((n, r) => n + (r.orphans ?? 0), 0) : null;
    const violations = results.filter((r) => !r.validated || (r.orphans ?? 0) > 0).length;
    const observed = { violations, not_validated: notValidated.length, orphans, constraints: results.length };
    const disabled = results.filter((r) => !r.enforced);
    const disabledNote = disabled.length ? ` (triggers disabled on ${listShort(disabled.map((d) => d.constraint), 2)}: new rows are not checked)` : '';

    if (missing.length) return { status: 'fail', observed, evidence, message: `not found in ${ctx.environment}: ${missing.join(', ')}` };
    if (violations > 0) {
      const parts = [
        ...withOrphans.map((r) => `${r.constraint}: ${plural(r.orphans!, 'orphan row')} (${r.table} → ${r.references}; e.g. ${(r.orphan_keys ?? []).slice(0, 3).join(', ')})`),
        ...notValidated.map((r) => `${r.constraint}: not validated (NOT VALID, never VALIDATEd)`),
      ];
      return { status: 'fail', observed, evidence, message: `${plural(violations, 'foreign key')} violated: ${listShort(parts, 2)}${disabledNote}` };
    }
    if (results.length === 0) return { status: 'pass', observed, evidence, message: `no foreign key on or referencing ${params.tables.join(', ')}` };
    const rowsText = params.verify_rows ? ', no orphan rows' : ' (rows not verified: verify_rows is false)';
    return { status: 'pass', observed, evidence, message: `${plural(results.length, 'foreign key')} validated${rowsText}${disabledNote}` };
  },
});

async function constraintsOf(client: pg.ClientBase, tableOids: number[]): Promise<Constraint[]> {
  if (tableOids.length === 0) return [];
  const { rows } = await client.query<{
    name: string;
    definition: string;
    validated: boolean;
    match: string;
    child_schema: string;
    child_name: string;
    child_columns: string[];
    parent_schema: string;
    parent_name: string;
    parent_columns: string[];
    triggers_disabled: boolean;
  }>(
    `SELECT con.conname AS name, pg_get_constraintdef(con.oid) AS definition, con.convalidated AS validated,
            con.confmatchtype::text AS match,
            cn.nspname AS child_schema, cc.relname AS child_name,
            ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS child_columns,
            pn.nspname AS parent_schema, pc.relname AS parent_name,
            ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord) AS parent_columns,
            EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgconstraint = con.oid AND t.tgenabled = 'D') AS triggers_disabled
       FROM pg_constraint con
       JOIN pg_class cc ON cc.oid = con.conrelid JOIN pg_namespace cn ON cn.oid = cc.relnamespace
       JOIN pg_class pc ON pc.oid = con.confrelid JOIN pg_namespace pn ON pn.oid = pc.relnamespace
      WHERE con.contype = 'f' AND con.conparentid = 0
        AND (con.conrelid = ANY($1::oid[]) OR con.confrelid = ANY($1::oid[]))
      ORDER BY cn.nspname, cc.relname, con.conname`,
    [tableOids],
  );
  return rows.map((r) => ({
    name: r.name,
    definition: r.definition,
    validated: r.validated,
    match: r.match,
    child: `${r.child_schema}.${r.child_name}`,
    child_sql: `${quoteIdent(r.child_schema)}.${quoteIdent(r.child_name)}`,
    child_columns: r.child_columns,
    parent: `${r.parent_schema}.${r.parent_name}`,
    parent_sql: `${quoteIdent(r.parent_schema)}.${quoteIdent(r.parent_name)}`,
    parent_columns: r.parent_columns,
    triggers_disabled: r.triggers_disabled,
  }));
}

/**
 * Rows of the child whose key has no parent row. MATCH SIMPLE (the default)
 * lets a row with any NULL key column through; MATCH FULL only an all-NULL one.
 */
async function verify(client: pg.ClientBase, c: Constraint, verifyRows: boolean): Promise<ConstraintResult> {
  const result: ConstraintResult = {
    constraint: c.name,
    table: c.child,
    references: c.parent,
    definition: c.definition,
    validated: c.validated,
    enforced: !c.triggers_disabled,
    orphans: null,
  };
  if (!verifyRows) return result;
  const child = c.child_columns.map((col) => `c.${quoteIdent(col)}`);
  const joined = c.child_columns.map((col, i) => `p.${quoteIdent(c.parent_columns[i]!)} = c.${quoteIdent(col)}`).join(' AND ');
  const missingParent = `NOT EXISTS (SELECT 1 FROM ${c.parent_sql} p WHERE ${joined})`;
  const where =
    c.match === 'f'
      ? `NOT (${child.map((k) => `${k} IS NULL`).join(' AND ')}) AND (${child.map((k) => `${k} IS NULL`).join(' OR ')} OR ${missingParent})`
      : `${child.map((k) => `${k} IS NOT NULL`).join(' AND ')} AND ${missingParent}`;
  const keyText = child.length === 1 ? `${child[0]}::text` : `ROW(${child.join(', ')})::text`;
  const started = performance.now();
  const { rows } = await client.query<{ n: string; sample: string[] }>(
    `WITH orphan AS MATERIALIZED (SELECT ${keyText} AS key FROM ${c.child_sql} c WHERE ${where})
     SELECT (SELECT count(*) FROM orphan)::text AS n, ARRAY(SELECT DISTINCT key FROM orphan ORDER BY key LIMIT ${SAMPLE_KEYS}) AS sample`,
  );
  result.ms = Math.round(performance.now() - started);
  result.orphans = Number(rows[0]!.n);
  if (result.orphans > 0) result.orphan_keys = rows[0]!.sample;
  return result;
}
