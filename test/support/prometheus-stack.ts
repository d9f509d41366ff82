import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * A real node_exporter and a real Prometheus for the tests, on free loopback
 * ports, scraping every second into a temporary directory. Both run under
 * coreutils `timeout`, so they end by themselves even if the test process
 * dies before stop() (which kills them and removes the directory).
 */

export const PROMETHEUS_BIN = '/usr/bin/prometheus';
export const NODE_EXPORTER_BIN = '/usr/bin/prometheus-node-exporter';
/** Longest the processes may outlive a crashed test run. */
const LIFETIME_S = 600;

export interface PrometheusStack {
  url: string;
  /** node_exporter's instance label as Prometheus sees it. */
  instance: string;
  stop(): Promise<void>;
  output(): string;
}

export function stackInstalled(): boolean {
  return existsSync(PROMETHEUS_BIN) && existsSync(NODE_EXPORTER_BIN);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * `scrapes`: how many scrapes to wait for before returning, so tests that
 * look for stretches over a window find a few seconds of history.
 */
export async function startPrometheusStack(options: { scrapes?: number } = {}): Promise<PrometheusStack> {
  const scrapes = options.scrapes ?? 6;
  if (!stackInstalled()) {
    throw new Error(`${PROMETHEUS_BIN} or ${NODE_EXPORTER_BIN} is missing: apt-get install prometheus prometheus-node-exporter (.ci/run does it)`);
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'golive-prom-'));
  const exporterPort = await freePort();
  const promPort = await freePort();
  const instance = `127.0.0.1:${exporterPort}`;
  await writeFile(
    path.join(dir, 'prometheus.yml'),
    [
      'global:',
      '  scrape_interval: 1s',
      '  evaluation_interval: 1s',
      'scrape_configs:',
      '  - job_name: node',
      '    static_configs:',
      `      - targets: ['${instance}']`,
      '',
    ].join('\n'),
  );
  let out = '';
  const children: ChildProcess[] = [];
  const run = (bin: string, args: string[]) => {
    const child = spawn('timeout', ['--kill-after=5', String(LIFETIME_S), bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    children.push(child);
    return child;
  };
  run(NODE_EXPORTER_BIN, [
    `--web.listen-address=${instance}`,
    // Only what golive reads: quicker scrapes, less noise.
    '--collector.disable-defaults',
    '--collector.cpu',
    '--collector.meminfo',
    '--collector.diskstats',
    '--collector.netdev',
    '--collector.netclass',
    '--collector.filesystem',
  ]);
  run(PROMETHEUS_BIN, [
    `--config.file=${path.join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${path.join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${promPort}`,
    '--storage.tsdb.retention.time=1h',
  ]);
  const stack: PrometheusStack = {
    url: `http://127.0.0.1:${promPort}`,
    instance,
    output: () => out,
    async stop() {
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              const hard = setTimeout(() => child.kill('SIGKILL'), 5_000);
              child.once('exit', () => {
                clearTimeout(hard);
                resolve();
              });
              child.kill('SIGTERM');
            }),
        ),
      );
      await rm(dir, { recursive: true, force: true });
    },
  };
  try {
    // rate() needs two scrapes; stretches over a window need a few more.
    await waitFor(async () => {
      for (const child of children) if (child.exitCode !== null) throw new Error(`a metrics process exited early:\n${out}`);
      const body = new URLSearchParams({ query: `count_over_time(node_memory_MemTotal_bytes{instance="${instance}"}[5m])` });
      const res = await fetch(`${stack.url}/api/v1/query`, { method: 'POST', body }).catch(() => undefined);
      if (!res?.ok) return false;
      const json = (await res.json()) as { data?: { result?: { value: [number, string] }[] } };
      return Number(json.data?.result?.[0]?.value[1] ?? 0) >= Math.max(2, scrapes);
    }, 60_000);
  } catch (err) {
    await stack.stop();
    throw err;
  }
  return stack;
}

async function waitFor(ready: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`Prometheus did not scrape node_exporter within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
