import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createParameterGenerator, loadOpt1Queries, type PgbenchScript } from '../../src/demo/queries.js';
import { fromRoot } from '../../src/paths.js';
import { createDemoTestDatabase, type DemoTestDatabase } from '../src/demo/support.js';
import { loadOpt1Files, migrate } from './support.js';

/**
 * Q1-Q3 on the demo data: the same answers before and after the migration,
 * and partition pruning in their plans after it.
 */

const SAMPLES = 40;
let db: DemoTestDatabase;
let scripts: PgbenchScript[];
const before = new Map<string, unknown[]>();
const samples = new Map<string, number[][]>();

async function runAll(client: pg.ClientBase, script: PgbenchScript): Promise<unknown[]> {
  const answers: unknown[] = [];
  for (const params of samples.get(script.name)!) answers.push((await client.query(script.text, params)).rows);
  return answers;
}

/** Names of the tables a plan reads, from EXPLAIN (FORMAT JSON). */
async function scannedTables(client: pg.ClientBase, sql: string, params: number[] = []): Promise<{ tables: string[]; subplansRemoved: number }> {
  const result = await client.query(`EXPLAIN (FORMAT JSON) ${sql}`, params);
  const tables: string[] = [];
  let subplansRemoved = 0;
  const walk = (node: Record<string, unknown>) => {
    if (typeof node['Relation Name'] === 'string') tables.push(node['Relation Name']);
    if (typeof node['Subplans Removed'] === 'number') subplansRemoved += node['Subplans Removed'];
    for (const child of (node['Plans'] as Record<string, unknown>[] | undefined) ?? []) walk(child);
  };
  walk((result.rows[0]['QUERY PLAN'] as Array<{ Plan: Record<string, unknown> }>)[0]!.Plan);
  return { tables: tables.filter((t) => t.startsWith('catalogo_geometrias')), subplansRemoved };
}

/** The statement as pgbench sends it: :name replaced by the literal value. */
function substitute(script: PgbenchScript, params: number[]): string {
  return script.text.replace(/\$(\d+)::bigint/g, (_m, n: string) => `${params[Number(n) - 1]}`);
}

beforeAll(async () => {
  scripts = await loadOpt1Queries();
  db = await createDemoTestDatabase('queries');
  for (const script of scripts) {
    const next = createParameterGenerator(script, `opt1-${script.name}`);
    samples.set(script.name, Array.from({ length: SAMPLES }, () => next()));
    before.set(script.name, await runAll(db.client, script));
  }
  await migrate(db.client, await loadOpt1Files());
}, 600_000);

afterAll(async () => {
  await db?.drop();
});

describe('Q1-Q3 across the migration', () => {
  it('return the same results after the migration as before it (and find rows)', async () => {
    for (const script of scripts) {
      const answers = before.get(script.name)!;
      const found = answers.reduce<number>((sum, rows) => sum + (rows as unknown[]).length, 0);
      expect({ script: script.name, someRows: found > 0 }).toEqual({ script: script.name, someRows: true });
      expect(await runAll(db.client, script)).toEqual(answers);
    }
  });

  it('prune partitions: a 90-day window reads at most two of the 21 partitions', async () => {
    for (const script of scripts) {
      const params = samples.get(script.name)![0]!;
      // As golive sends it (parameters, custom plan) and as pgbench sends it (literals).
      for (const plan of [await scannedTables(db.client, script.text, params), await scannedTables(db.client, substitute(script, params))]) {
        expect(plan.tables.length).toBeGreaterThanOrEqual(1);
        expect(plan.tables.length).toBeLessThanOrEqual(2);
        for (const table of plan.tables) expect(table).toMatch(/^catalogo_geometrias_p20\d\dq[1-4]$/);
      }
    }
  });

  it('prune at run time too when the plan is generic (prepared statements)', async () => {
    const script = scripts[0]!;
    await db.client.query('SET plan_cache_mode = force_generic_plan');
    try {
      await db.client.query(`PREPARE q1_generic AS ${script.text}`);
      const params = samples.get(script.name)![1]!;
      const plan = await scannedTables(db.client, `EXECUTE q1_generic(${params.join(', ')})`);
      expect(plan.subplansRemoved).toBeGreaterThanOrEqual(19);
    } finally {
      await db.client.query('DEALLOCATE ALL');
      await db.client.query('RESET plan_cache_mode');
    }
  });

  it('are valid pgbench scripts', async () => {
    const pgbench = ['/usr/lib/postgresql/15/bin/pgbench', '/usr/bin/pgbench'].find((p) => existsSync(p)) ?? 'pgbench';
    const url = new URL(db.url);
    for (const script of scripts) {
      const { stdout } = await promisify(execFile)(pgbench, [
        '-n', '-t', '20', '-c', '1',
        '-h', url.hostname, '-p', url.port || '5432', '-U', decodeURIComponent(url.username),
        '-f', path.join(fromRoot('plans', 'opt1', 'queries'), `${script.name}.sql`),
        db.name,
      ]);
      expect(stdout).toMatch(/number of failed transactions: 0/);
      expect(stdout).toMatch(/number of transactions actually processed: 20\/20/);
    }
  });
});
