import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createDatabaseFromTemplate, dropDatabase } from '../src/demo/databases.js';
import { loadPgbenchScript } from '../src/demo/queries.js';
import { DEFAULT_SERVER_URL } from '../src/demo/setup.js';
import { ensureDemoTemplate } from '../src/demo/template.js';
import { fromRoot } from '../src/paths.js';
import { runLoad } from '../src/perf/load-runner.js';
import { loadScriptOf } from '../src/perf/named-queries.js';
import { median, percentile } from './support.js';

/**
 * `npm run bench:load [-- --clients 100 --duration 20 --pairs 3 --script FILE --rows N]`
 *
 * The same pgbench script, client count and duration through golive's load
 * test (src/perf/load-runner.ts: one pg.Client per client in one Node
 * process) and through the anchor, `pgbench -n -f SCRIPT -c C -j 2 -T D -l`,
 * on a copy of the 1,000,000-row demo data, interleaved golive, pgbench,
 * golive, pgbench … Medians over the pairs:
 *   - golive's throughput must reach 0.9x pgbench's;
 *   - golive's P95 (its histogram of every request) must be within 15 % of
 *     the P95 computed from pgbench's per-transaction log.
 * Both measure from the start of the timed run with sessions open and no
 * warm-up (pgbench has none), so they do the same work.
 */

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '100' },
    duration: { type: 'string', default: '20' },
    pairs: { type: 'string', default: '3' },
    script: { type: 'string', default: 'plans/opt1/queries/q1_st_contains.sql' },
    rows: { type: 'string', default: '1000000' },
    prefix: { type: 'string', default: 'golive_bench' },
    server: { type: 'string', default: DEFAULT_SERVER_URL },
    pgbench: { type: 'string' },
  },
});
const clients = Number(values.clients);
const durationS = Number(values.duration);
const pairs = Number(values.pairs);
const rows = Number(values.rows.replace(/_/g, ''));
const serverUrl = values.server;
const scriptPath = path.resolve(fromRoot(), values.script);
const pgbench = values.pgbench ?? (existsSync('/usr/lib/postgresql/15/bin/pgbench') ? '/usr/lib/postgresql/15/bin/pgbench' : 'pgbench');
const log = (line: string) => process.stderr.write(`${line}\n`);

interface Figures {
  tps: number;
  p95: number;
  p50: number;
  transactions: number;
  errors: number;
}

async function golive(url: string): Promise<Figures> {
  const script = await loadPgbenchScript(scriptPath);
  const result = await runLoad({
    targetUrl: url,
    clients,
    durationMs: durationS * 1000,
    intervalMs: 1000,
    scripts: [loadScriptOf({ id: script.name, title: script.name, script, fixed: {} }, 1, 'bench')],
    applicationName: 'golive-bench-load',
  });
  return { tps: result.tps, p95: result.latency.p95_ms ?? NaN, p50: result.latency.p50_ms ?? NaN, transactions: result.transactions, errors: result.errors };
}

async function anchor(url: string): Promise<Figures> {
  const u = new URL(url);
  const dir = await mkdtemp(path.join(tmpdir(), 'golive-bench-pgbench-'));
  try {
    const args = ['-n', '-f', scriptPath, '-c', String(clients), '-j', '2', '-T', String(durationS), '-l', '--log-prefix', path.join(dir, 'tx'),
      '-h', u.hostname, '-p', u.port || '5432', '-U', decodeURIComponent(u.username || 'postgres'), decodeURIComponent(u.pathname.slice(1))];
    const output = await run(pgbench, args, u.password ? { PGPASSWORD: decodeURIComponent(u.password) } : {});
    const tps = Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(output)?.[1] ?? NaN);
    const failed = Number(/number of failed transactions: (\d+)/.exec(output)?.[1] ?? 0);
    // One line per transaction: client_id transaction_no latency_us script_no epoch_s epoch_us.
    const latencies: number[] = [];
    for (const file of await readdir(dir)) {
      for (const line of (await readFile(path.join(dir, file), 'utf8')).split('\n')) {
        const fields = line.trim().split(/\s+/);
        if (fields.length >= 6 && /^\d+$/.test(fields[2]!)) latencies.push(Number(fields[2]) / 1000);
      }
    }
    latencies.sort((a, b) => a - b);
    return { tps, p95: percentile(latencies, 95), p50: percentile(latencies, 50), transactions: latencies.length, errors: failed };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function run(command: string, args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${command} exited ${code}:\n${out}`))));
  });
}

const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '?');

const template = await ensureDemoTemplate({ serverUrl, prefix: values.prefix, rows, log });
const database = `${values.prefix}_load`;
await dropDatabase(serverUrl, database);
const url = await createDatabaseFromTemplate(serverUrl, template.name, database);
log(`bench:load: ${clients} clients, ${durationS} s, ${pairs} pairs, script ${path.relative(fromRoot(), scriptPath)}, database ${database} (${rows.toLocaleString('en')} rows)`);
const a: Figures[] = [];
const b: Figures[] = [];
try {
  for (let i = 1; i <= pairs; i++) {
    const g = await golive(url);
    a.push(g);
    log(`  pair ${i} golive : ${f1(g.tps)} tps, p50 ${f1(g.p50)} ms, p95 ${f1(g.p95)} ms, ${g.transactions} tx, ${g.errors} errors`);
    const p = await anchor(url);
    b.push(p);
    log(`  pair ${i} pgbench: ${f1(p.tps)} tps, p50 ${f1(p.p50)} ms, p95 ${f1(p.p95)} ms, ${p.transactions} tx, ${p.errors} failed`);
  }
} finally {
  await dropDatabase(serverUrl, database);
}

const gTps = median(a.map((x) => x.tps));
const pTps = median(b.map((x) => x.tps));
const gP95 = median(a.map((x) => x.p95));
const pP95 = median(b.map((x) => x.p95));
const tpsRatio = gTps / pTps;
const p95Diff = (gP95 - pP95) / pP95;
const tpsOk = tpsRatio >= 0.9;
const p95Ok = Math.abs(p95Diff) <= 0.15;
console.log(`bench:load  ${clients} clients × ${durationS} s, ${pairs} interleaved pairs, medians`);
console.log(`  throughput  golive ${f1(gTps)} tps   pgbench ${f1(pTps)} tps   ratio ${tpsRatio.toFixed(2)}x (target ≥ 0.90x) ${tpsOk ? 'PASS' : 'FAIL'}`);
console.log(`  p95         golive ${f1(gP95)} ms    pgbench ${f1(pP95)} ms    ${p95Diff >= 0 ? '+' : ''}${(p95Diff * 100).toFixed(1)} % (target within ±15 %) ${p95Ok ? 'PASS' : 'FAIL'}`);
console.log(`  p50         golive ${f1(median(a.map((x) => x.p50)))} ms    pgbench ${f1(median(b.map((x) => x.p50)))} ms`);
