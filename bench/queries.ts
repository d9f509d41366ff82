import pg from 'pg';
import { createDatabaseFromTemplate, dropDatabase } from '../src/demo/databases.js';
import { migrateDatabase } from '../src/demo/setup.js';
import { fromRoot } from '../src/paths.js';
import { loadNamedQueries, type NamedQuery } from '../src/perf/named-queries.js';
import { timeNamedQuery, type QueryTiming } from '../src/perf/query-timing.js';
import { loadPlans } from '../src/plan/load.js';
import { benchTemplate, demoBenchArgs, log } from './demo-bench.js';

/**
 * `npm run bench:queries [-- --runs 30 --warmup 3 --rows N --prefix golive_bench]`
 *
 * Q1-Q3 of plans/opt1.yaml on a fresh copy of the 1,000,000-row demo data,
 * before and after the OPT1 migration, timed exactly as the baseline capture
 * and the query_performance check time them (same warm-up, runs and
 * parameter sequence before and after). Prints median and P95 of both, the
 * change, and whether the seed's target (at least 10 % faster) holds at this
 * scale, beside the seed's own figures at production scale (the anchor).
 *
 * Each side is timed twice: with the server's settings (what golive's checks
 * see), then in a session with max_parallel_workers_per_gather = 0, because
 * after partitioning the planner starts parallel workers for Q1 and Q3, and
 * each worker loads PostGIS before doing a few milliseconds of work.
 */

// --repeat is the shared option; this bench repeats each query `--runs` times instead.
const bench = demoBenchArgs({ repeat: '1' }, { runs: { type: 'string', default: '30' }, warmup: { type: 'string', default: '3' } });
const { rows, serverUrl } = bench;
const runs = Number(bench.values.runs);
const warmup = Number(bench.values.warmup);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, got ${bench.values.runs}`);
if (!Number.isInteger(warmup) || warmup < 0) throw new Error(`--warmup must be a whole number, got ${bench.values.warmup}`);

const plan = loadPlans([fromRoot('plans', 'opt1.yaml')])[0]!.plan;
const queries = await loadNamedQueries(plan, fromRoot('plans'));

const SERIAL = 'SET max_parallel_workers_per_gather = 0';

async function timeAll(url: string, setting?: string): Promise<Map<string, QueryTiming>> {
  const client = new pg.Client({ connectionString: url, application_name: 'golive-bench-queries' });
  await client.connect();
  try {
    await client.query('SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY');
    if (setting) await client.query(setting);
    const out = new Map<string, QueryTiming>();
    for (const q of queries) out.set(q.id, await timeNamedQuery(client, q, { runs, warmup }));
    return out;
  } finally {
    await client.end();
  }
}

const template = await benchTemplate(bench);
const database = `${bench.prefix}_queries`;
await dropDatabase(serverUrl, database);
const url = await createDatabaseFromTemplate(serverUrl, template, database);
log(`bench:queries: ${rows.toLocaleString('en')} rows (${database}), ${runs} runs after ${warmup} warm-up per query`);
let before: Map<string, QueryTiming>;
let after: Map<string, QueryTiming>;
let beforeSerial: Map<string, QueryTiming>;
let afterSerial: Map<string, QueryTiming>;
let migrateMs: number;
try {
  log('  timing before the migration');
  before = await timeAll(url);
  beforeSerial = await timeAll(url, SERIAL);
  log('  migrating (OPT1 files)');
  const started = performance.now();
  await migrateDatabase(url);
  migrateMs = performance.now() - started;
  log('  timing after the migration');
  after = await timeAll(url);
  afterSerial = await timeAll(url, SERIAL);
} finally {
  await dropDatabase(serverUrl, database);
}

const f = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(2));
const pct = (from: number, to: number) => ((to - from) / from) * 100;
const signed = (n: number) => `${n >= 0 ? '+' : ''}${n.toFixed(1)} %`;
console.log(`bench:queries  Q1-Q3 on ${rows.toLocaleString('en')} demo rows, before and after OPT1 (migration ${(migrateMs / 1000).toFixed(1)} s), ${runs} runs each after ${warmup} warm-up`);
const table = (title: string, b: Map<string, QueryTiming>, a: Map<string, QueryTiming>) => {
  console.log(`  ${title}`);
  console.log(`    ${'query'.padEnd(20)}${'before med/p95 ms'.padStart(20)}${'after med/p95 ms'.padStart(20)}${'median'.padStart(10)}${'p95'.padStart(10)}  target -10 %   seed (production)`);
  for (const q of queries as NamedQuery[]) {
    const x = b.get(q.id)!;
    const y = a.get(q.id)!;
    const change = pct(x.medianMs, y.medianMs);
    const fig = plan.queries[q.id]!.figures;
    const seed = fig.baseline_ms && fig.shadow_ms ? `${fig.baseline_ms} -> ${fig.shadow_ms} ms (${signed(pct(fig.baseline_ms, fig.shadow_ms))})` : '';
    console.log(
      `    ${q.title.padEnd(20)}${`${f(x.medianMs)} / ${f(x.p95Ms)}`.padStart(20)}${`${f(y.medianMs)} / ${f(y.p95Ms)}`.padStart(20)}` +
        `${signed(change).padStart(10)}${signed(pct(x.p95Ms, y.p95Ms)).padStart(10)}  ${change <= -10 ? 'holds' : 'FAILS'}        ${seed}`,
    );
  }
};
table("server settings (what golive's checks measure)", before, after);
table('max_parallel_workers_per_gather = 0 (no parallel workers)', beforeSerial, afterSerial);
