/**
 * bench:ack — how fast golive acks a slash command, against a bare Bolt app.
 *
 * 1000 signed `/golive cp1 status` commands at concurrency 20 against the real
 * web process (state DB reads included), then the same load against a Bolt app
 * that only acks; three rounds each, interleaved, in one run. Prints p50/p95/p99
 * of both and the ratio. Target: golive's p99 ≤ 1.5× the bare app's and
 * < 100 ms on 2 cores (Slack allows 3000 ms).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { signSlackRequest } from '../src/slack/fake/sign.js';
import { fromRoot } from '../src/paths.js';
import { fmt, percentile, pool } from './support.js';

const SERVER = process.env.GOLIVE_BENCH_SERVER ?? 'postgres://postgres@127.0.0.1:5432';
const REQUESTS = 1000;
const CONCURRENCY = 20;
// 3 × 1000 requests a side: a p99 from 3000 latencies (the 30th slowest), steadier than from a few hundred.
const ROUNDS = 3;
const SECRET = randomBytes(16).toString('hex');
const GOLIVE_PORT = 3901;
const BARE_PORT = 3902;
const STATE_DB = 'golive_bench_ack_state';

function start(entry: string, env: Record<string, string>, ready: RegExp): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', fromRoot(entry)], { cwd: fromRoot(), env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d;
      if (ready.test(out)) resolve(child);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`${entry} exited ${code}:\n${out}`)));
  });
}

async function fire(port: number): Promise<number[]> {
  const latencies = await pool(Array.from({ length: REQUESTS }, (_, i) => i), CONCURRENCY, async (i) => {
    const body = new URLSearchParams({
      token: 'x', team_id: 'T1', team_domain: 'bench', channel_id: 'C1', channel_name: 'golive', user_id: 'U0DBA0001', user_name: 'dba',
      command: '/golive', text: 'cp1 status', api_app_id: 'A1', is_enterprise_install: 'false',
      response_url: 'http://127.0.0.1:9/response', trigger_id: `bench.${Date.now()}.${i}.${randomBytes(4).toString('hex')}`,
    }).toString();
    const ts = Math.floor(Date.now() / 1000);
    const started = performance.now();
    const res = await fetch(`http://127.0.0.1:${port}/slack/events`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Slack-Request-Timestamp': String(ts), 'X-Slack-Signature': signSlackRequest(SECRET, body, ts) },
      body,
    });
    await res.text();
    if (res.status !== 200) throw new Error(`HTTP ${res.status} from port ${port}`);
    return performance.now() - started;
  });
  return latencies.sort((a, b) => a - b);
}

const admin = new pg.Client({ connectionString: `${SERVER}/postgres` });
await admin.connect();
await admin.query(`DROP DATABASE IF EXISTS ${STATE_DB} WITH (FORCE)`);
await admin.end();

const golive = await start('src/bin/web.ts', {
  DATABASE_URL: `${SERVER}/${STATE_DB}`, SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: 'http://127.0.0.1:9/api/',
  PORT: String(GOLIVE_PORT), LOG_LEVEL: 'info', GOLIVE_QUEUE_PREFIX: 'golive-bench-ack',
}, /web listening/);
const bare = await start('bench/bare-bolt.ts', { SIGNING_SECRET: SECRET, PORT: String(BARE_PORT) }, /bare bolt listening/);

try {
  // Warm both (JIT, pools), then interleave rounds so drift hits both alike.
  await fire(GOLIVE_PORT);
  await fire(BARE_PORT);
  const rounds: Record<'golive' | 'bare', number[]> = { golive: [], bare: [] };
  for (let round = 0; round < ROUNDS; round++) {
    rounds.golive.push(...(await fire(GOLIVE_PORT)));
    rounds.bare.push(...(await fire(BARE_PORT)));
  }
  const stats = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return { p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99) };
  };
  const g = stats(rounds.golive);
  const b = stats(rounds.bare);
  console.log(`bench:ack  ${REQUESTS} × ${ROUNDS} signed "/golive cp1 status" at concurrency ${CONCURRENCY}`);
  console.log(`  golive web     p50 ${fmt(g.p50)} ms  p95 ${fmt(g.p95)} ms  p99 ${fmt(g.p99)} ms`);
  console.log(`  bare Bolt ack  p50 ${fmt(b.p50)} ms  p95 ${fmt(b.p95)} ms  p99 ${fmt(b.p99)} ms   (anchor)`);
  console.log(`  ratio p99 ${(g.p99 / b.p99).toFixed(2)}x (target ≤ 1.5x), golive p99 ${g.p99 < 100 ? '<' : '≥'} 100 ms target`);
} finally {
  golive.kill('SIGTERM');
  bare.kill('SIGTERM');
}
