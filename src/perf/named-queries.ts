import { resolvePlanPath } from '../checks/plan-paths.js';
import { createParameterGenerator, loadPgbenchScript, type PgbenchScript } from '../demo/queries.js';
import { GoliveError } from '../errors.js';
import type { Plan } from '../plan/schema.js';
import type { LoadScript, LoadStatement } from './load-runner.js';

/**
 * A plan's named query (plan.queries: Q1, Q2, …) ready to run: its pgbench
 * script as a parametrised statement, and deterministic parameter values.
 * A value the plan fixes in `parameters` replaces the script's random one.
 */
export interface NamedQuery {
  id: string;
  title: string;
  script: PgbenchScript;
  fixed: Record<string, number | string>;
}

export interface Draw {
  values: Array<number | string>;
  /** The same values by variable name, for the evidence. */
  params: Record<string, number | string>;
}

export async function loadNamedQuery(plan: Plan, planDir: string, queryId: string): Promise<NamedQuery> {
  const entry = plan.queries[queryId];
  if (!entry) {
    const known = Object.keys(plan.queries);
    throw new GoliveError('QUERY_UNKNOWN', `plan ${plan.id} has no query ${queryId} (it has ${known.length ? known.join(', ') : 'none'})`);
  }
  const script = await loadPgbenchScript(resolvePlanPath(planDir, entry.file));
  return { id: queryId, title: entry.title, script, fixed: entry.parameters };
}

/** Every named query of the plan, in the plan's order. */
export async function loadNamedQueries(plan: Plan, planDir: string, ids: readonly string[] = Object.keys(plan.queries)): Promise<NamedQuery[]> {
  return Promise.all(ids.map((id) => loadNamedQuery(plan, planDir, id)));
}

/** Parameter draws for one query; the same seed gives the same sequence (a baseline and a later check share it). */
export function drawsFor(query: NamedQuery, seed: string): () => Draw {
  const random = createParameterGenerator(query.script, seed);
  const names = query.script.parameterNames;
  return () => {
    const drawn = random();
    const values = names.map((name, i) => (Object.hasOwn(query.fixed, name) ? query.fixed[name]! : drawn[i]!));
    return { values, params: Object.fromEntries(names.map((name, i) => [name, values[i]!])) };
  };
}

/** The seed of a query's timing runs: fixed, so every capture and every check draws the same values. */
export function timingSeed(queryId: string): string {
  return `golive:timing:${queryId}`;
}

/**
 * The statement with its values pasted in, as pgbench sends it (simple query
 * protocol, one message): the planner sees constants either way, and a load
 * test then costs client and server what pgbench's does. Numbers only come
 * from the script's random() or the plan; a text value is quoted.
 */
export function literalStatement(query: NamedQuery, values: ReadonlyArray<number | string>): string {
  return query.script.text.replace(/\$(\d+)::bigint/g, (_whole, n: string) => {
    const value = values[Number(n) - 1];
    if (typeof value === 'number') return value < 0 ? `(${value})` : String(value);
    return `'${String(value).replace(/'/g, "''")}'`;
  });
}

/** A named query as one script of a load test's mix; each client draws its own sequence. */
export function loadScriptOf(query: NamedQuery, weight: number, seed: string): LoadScript {
  return {
    id: query.id,
    weight,
    forClient(clientIndex: number): () => LoadStatement {
      const next = drawsFor(query, `${seed}:${query.id}:${clientIndex}`);
      return () => ({ text: literalStatement(query, next().values), values: [] });
    },
  };
}
