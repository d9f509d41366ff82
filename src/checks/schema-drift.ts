import type pg from 'pg';
import { describeDatabaseError } from './pg-errors.js';
import { withReadOnlySession } from './pg-session.js';
import { defineCheck, type CheckContext, type RawOutcome } from './types.js';

/**
 * A DBA's blocker before DDL: does production still have the schema the
 * migration was rehearsed on? Tables of the schemas (partitions left out),
 * their columns (type, nullability, default), indexes and constraints, read
 * from both catalogs and compared by definition (names of indexes and
 * constraints are left out: a rename is not drift). `map` pairs a table with
 * the reference table of the same shape (a migrated staging keeps the
 * original table as _legacy); the reference table a mapped name would
 * otherwise meet (the migrated one) is not compared. A mapping whose target
 * is absent there (staging rolled back) falls back to the same name.
 */

interface TableShape {
  columns: Map<string, string>;
  indexes: Set<string>;
  constraints: Set<string>;
}

const MAX_LISTED = 40;

export const schemaDriftCheck = defineCheck({
  type: 'schema_drift',
  defaultTimeoutMs: 60_000,
  async run(params, ctx): Promise<RawOutcome> {
    const referenceUrl = ctx.environmentUrl?.(params.against.environment);
    if (!referenceUrl) return { status: 'error', observed: {}, evidence: {}, message: `the plan has no environment ${params.against.environment} to compare with` };
    const ignore = params.ignore.map(globToRegExp);
    const keep = (name: string) => !ignore.some((re) => re.test(name)) && (!params.tables || params.tables.includes(name) || Object.values(params.map).includes(name));
    let mine: Map<string, TableShape>;
    let theirs: Map<string, TableShape>;
    try {
      mine = await readShapes(ctx.targetUrl, params.schemas, ctx);
    } catch (err) {
      return unreachable(ctx.environment, ctx.targetUrl, err);
    }
    try {
      theirs = await readShapes(referenceUrl, params.schemas, ctx);
    } catch (err) {
      return unreachable(params.against.environment, referenceUrl, err);
    }

    const here = ctx.environment;
    const there = params.against.environment;
    const drifts: string[] = [];
    // A mapping applies while its target exists there: a staging rolled back
    // after the rehearsal has no _legacy table, and its table is the original again.
    const mapping = (name: string) => (params.map[name] !== undefined && theirs.has(params.map[name]) ? params.map[name] : name);
    const mappedAway = new Set(Object.keys(params.map).filter((k) => mapping(k) !== k));
    const compared = new Set<string>();
    for (const [name, shape] of mine) {
      if (!keep(name)) continue;
      const counterpart = mapping(name);
      const other = theirs.get(counterpart);
      compared.add(counterpart);
      const label = counterpart === name ? name : `${name} (≙ ${counterpart})`;
      if (!other) {
        drifts.push(`${label}: only on ${here}`);
        continue;
      }
      for (const [column, def] of shape.columns) {
        const theirDef = other.columns.get(column);
        if (theirDef === undefined) drifts.push(`${label}.${column}: only on ${here} (${def})`);
        else if (theirDef !== def) drifts.push(`${label}.${column}: ${def} on ${here}, ${theirDef} on ${there}`);
      }
      for (const column of other.columns.keys()) if (!shape.columns.has(column)) drifts.push(`${label}.${column}: only on ${there} (${other.columns.get(column)})`);
      diffSets(shape.indexes, other.indexes, (d, side) => drifts.push(`${label} index ${d}: only on ${side === 'mine' ? here : there}`));
      diffSets(shape.constraints, other.constraints, (d, side) => drifts.push(`${label} constraint ${d}: only on ${side === 'mine' ? here : there}`));
    }
    for (const name of theirs.keys()) {
      if (compared.has(name) || mappedAway.has(name) || !keep(name)) continue;
      drifts.push(`${name}: only on ${there}`);
    }

    const observed = { drifts: drifts.length, tables: compared.size };
    const evidence = { against: there, schemas: params.schemas, map: params.map, ignore: params.ignore, drifts: drifts.slice(0, MAX_LISTED), more: Math.max(0, drifts.length - MAX_LISTED) };
    if (drifts.length === 0) return { status: 'pass', observed, evidence, message: `no schema drift between ${here} and ${there} (${compared.size} tables: columns, indexes, constraints)` };
    const shown = drifts.slice(0, 5).join('; ');
    return { status: 'fail', observed, evidence, message: `${drifts.length} difference${drifts.length === 1 ? '' : 's'} between ${here} and ${there}: ${shown}${drifts.length > 5 ? '; …' : ''}` };
  },
});

function unreachable(environment: string, url: string, err: unknown): RawOutcome {
  const reason = describeDatabaseError(err, url);
  return { status: 'error', observed: {}, evidence: { environment, error: reason }, message: `cannot read the schema of ${environment}: ${reason}` };
}

async function readShapes(url: string, schemas: string[], ctx: CheckContext): Promise<Map<string, TableShape>> {
  return withReadOnlySession(url, { statementTimeoutMs: ctx.timeoutMs, signal: ctx.signal }, async (c) => {
    const shapes = new Map<string, TableShape>();
    const tables = await c.query<{ name: string }>(
      `SELECT n.nspname || '.' || c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = ANY($1::text[]) AND c.relkind IN ('r', 'p') AND NOT c.relispartition`,
      [schemas],
    );
    for (const t of tables.rows) shapes.set(t.name, { columns: new Map(), indexes: new Set(), constraints: new Set() });
    for (const r of (await columns(c, schemas)).rows) {
      shapes.get(r.t)?.columns.set(r.col, `${r.type}${r.notnull ? ' NOT NULL' : ''}${r.def ? ` DEFAULT ${r.def}` : ''}`);
    }
    const indexes = await c.query<{ t: string; def: string }>(
      `SELECT n.nspname || '.' || c.relname AS t, pg_get_indexdef(i.indexrelid) AS def
         FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = ANY($1::text[]) AND NOT c.relispartition`,
      [schemas],
    );
    for (const r of indexes.rows) shapes.get(r.t)?.indexes.add(normaliseIndex(r.def));
    const constraints = await c.query<{ t: string; def: string; type: string }>(
      `SELECT n.nspname || '.' || c.relname AS t, k.contype::text AS type, pg_get_constraintdef(k.oid) AS def
         FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = ANY($1::text[]) AND NOT c.relispartition`,
      [schemas],
    );
    for (const r of constraints.rows) shapes.get(r.t)?.constraints.add(r.def);
    return shapes;
  });
}

function columns(c: pg.ClientBase, schemas: string[]) {
  return c.query<{ t: string; col: string; type: string; notnull: boolean; def: string | null }>(
    `SELECT n.nspname || '.' || c.relname AS t, a.attname AS col, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS notnull,
            pg_get_expr(d.adbin, d.adrelid) AS def
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE n.nspname = ANY($1::text[]) AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND a.attnum > 0 AND NOT a.attisdropped`,
    [schemas],
  );
}

/** "CREATE UNIQUE INDEX name ON ONLY public.t USING btree (id)" → "UNIQUE USING btree (id)". */
export function normaliseIndex(def: string): string {
  return def.replace(/^CREATE (UNIQUE )?INDEX \S+ ON (?:ONLY )?\S+ /, (_m, unique: string | undefined) => (unique ? 'UNIQUE ' : '')).trim();
}

function diffSets(mine: Set<string>, theirs: Set<string>, report: (def: string, side: 'mine' | 'theirs') => void): void {
  for (const d of mine) if (!theirs.has(d)) report(d, 'mine');
  for (const d of theirs) if (!mine.has(d)) report(d, 'theirs');
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
}
