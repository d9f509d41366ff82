import { describe, expect, it } from 'vitest';
import { analysePruning, mentionsTable } from '../../../src/perf/pruning.js';

const PARTS = ['t_p1', 't_p2', 't_p3', 't_p4'];
const scan = (relation: string, loops = 1) => ({ 'Node Type': 'Seq Scan', 'Relation Name': relation, 'Actual Loops': loops });
const explain = (plan: object) => [{ Plan: plan, 'Planning Time': 0.1 }];

describe('analysePruning', () => {
  it('sees plan-time pruning: partitions absent from the plan', () => {
    const v = analysePruning(explain({ 'Node Type': 'Append', 'Actual Loops': 1, Plans: [scan('t_p2'), scan('t_p3')] }), PARTS);
    expect(v).toMatchObject({ pruned: true, readsTable: true, scanned: 2, partitions: 4, how: ['plan'] });
  });

  it('sees executor-start pruning: Subplans Removed', () => {
    const v = analysePruning(explain({ 'Node Type': 'Append', 'Subplans Removed': 3, 'Actual Loops': 1, Plans: [scan('t_p4')] }), PARTS);
    expect(v).toMatchObject({ pruned: true, subplansRemoved: 3, scanned: 1, how: ['executor_start'] });
  });

  it('sees run-time pruning: partitions never executed', () => {
    const plan = { 'Node Type': 'Append', 'Actual Loops': 1, Plans: [scan('t_p1', 0), scan('t_p2'), scan('t_p3', 0), scan('t_p4', 0)] };
    const v = analysePruning(explain(plan), PARTS);
    expect(v).toMatchObject({ pruned: true, neverExecuted: 3, scanned: 1, how: ['run_time'], scannedPartitions: ['t_p2'] });
  });

  it('does not count a query that scans every partition, nor one on a table without partitions', () => {
    const all = analysePruning(explain({ 'Node Type': 'Append', 'Actual Loops': 1, Plans: PARTS.map((p) => scan(p)) }), PARTS);
    expect(all).toMatchObject({ pruned: false, scanned: 4, how: [] });
    const plain = analysePruning(explain(scan('t')), [], { mentionsTable: true });
    expect(plain).toMatchObject({ pruned: false, readsTable: true, partitions: 0 });
  });

  it('tells a query that does not read the table from one pruned to nothing', () => {
    const other = analysePruning(explain({ 'Node Type': 'Seq Scan', 'Relation Name': 'bairros', 'Actual Loops': 1 }), PARTS);
    expect(other.readsTable).toBe(false);
    const none = analysePruning(explain({ 'Node Type': 'Result', 'Actual Loops': 1 }), PARTS, { mentionsTable: true });
    expect(none).toMatchObject({ readsTable: true, pruned: true, scanned: 0 });
  });

  it('finds the table name as a whole word only', () => {
    expect(mentionsTable('SELECT 1 FROM public.catalogo_geometrias g', 'public.catalogo_geometrias')).toBe(true);
    expect(mentionsTable('SELECT 1 FROM catalogo_geometrias_legacy', 'public.catalogo_geometrias')).toBe(false);
  });
});
