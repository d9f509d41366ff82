/**
 * Reading partition pruning out of EXPLAIN (ANALYZE, FORMAT JSON). A query on
 * a partitioned table prunes when it reads fewer partitions than there are,
 * which EXPLAIN shows in three ways (PostgreSQL 11+):
 *
 *   plan time       the pruned partitions are simply absent from the plan;
 *   executor start  an Append/MergeAppend node says `Subplans Removed: N`;
 *   run time        a partition's node shows `Actual Loops: 0` (never executed).
 *
 * Pure: plan JSON and the table's partition names in, a verdict out.
 */

export interface PlanNode {
  'Node Type'?: string;
  'Relation Name'?: string;
  'Subplans Removed'?: number;
  'Actual Loops'?: number;
  Plans?: PlanNode[];
  [key: string]: unknown;
}

export interface PruningVerdict {
  /** The query read the table (a partition appears, or the text names the table). */
  readsTable: boolean;
  pruned: boolean;
  partitions: number;
  /** Partitions some node of the plan reads. */
  inPlan: number;
  /** Partitions actually scanned (executed at least once). */
  scanned: number;
  subplansRemoved: number;
  neverExecuted: number;
  /** How the pruning showed: plan, executor_start, run_time. */
  how: Array<'plan' | 'executor_start' | 'run_time'>;
  scannedPartitions: string[];
}

/** The top plan node of EXPLAIN (FORMAT JSON)'s answer (an array holding one object with `Plan`). */
export function rootPlan(explainJson: unknown): PlanNode {
  const first = Array.isArray(explainJson) ? explainJson[0] : explainJson;
  const plan = (first as { Plan?: PlanNode } | undefined)?.Plan;
  if (!plan) throw new Error('EXPLAIN output has no Plan');
  return plan;
}

export function analysePruning(explainJson: unknown, partitionNames: readonly string[], options: { mentionsTable?: boolean } = {}): PruningVerdict {
  const leaves = new Set(partitionNames);
  const inPlan = new Set<string>();
  const executed = new Set<string>();
  let subplansRemoved = 0;
  let analysed = false;

  const visit = (node: PlanNode) => {
    if (typeof node['Subplans Removed'] === 'number') subplansRemoved += node['Subplans Removed'];
    if (typeof node['Actual Loops'] === 'number') analysed = true;
    const relation = node['Relation Name'];
    if (relation && leaves.has(relation)) {
      inPlan.add(relation);
      if (node['Actual Loops'] === undefined || node['Actual Loops'] > 0) executed.add(relation);
    }
    for (const child of node.Plans ?? []) visit(child);
  };
  visit(rootPlan(explainJson));

  const partitions = leaves.size;
  const scannedSet = analysed ? executed : inPlan;
  const neverExecuted = analysed ? inPlan.size - executed.size : 0;
  const readsTable = inPlan.size > 0 || subplansRemoved > 0 || options.mentionsTable === true;
  const how: PruningVerdict['how'] = [];
  if (inPlan.size + subplansRemoved < partitions) how.push('plan');
  if (subplansRemoved > 0) how.push('executor_start');
  if (neverExecuted > 0) how.push('run_time');
  return {
    readsTable,
    pruned: partitions > 0 && readsTable && scannedSet.size < partitions,
    partitions,
    inPlan: inPlan.size,
    scanned: scannedSet.size,
    subplansRemoved,
    neverExecuted,
    how,
    scannedPartitions: [...scannedSet].sort(),
  };
}

/** Whether SQL text names the table (schema-qualified or not), as a whole word. */
export function mentionsTable(sql: string, table: string): boolean {
  const name = table.includes('.') ? table.split('.').pop()! : table;
  return new RegExp(`(^|[^A-Za-z0-9_])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^A-Za-z0-9_]|$)`, 'i').test(sql);
}
