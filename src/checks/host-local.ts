import { readFile, readdir } from 'node:fs/promises';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PercentPoint, UtilisationResource } from './host-figures.js';

/**
 * Host figures of the worker's own machine (`source: local`), for a database
 * on the same host or a demo without Prometheus. Linux /proc, the same
 * sources node_exporter reads, sampled by golive itself; keep windows short.
 */

export async function localCores(): Promise<number> {
  return os.availableParallelism();
}

export async function localMemory(): Promise<{ total: number; available: number }> {
  const text = await readFile('/proc/meminfo', 'utf8').catch(() => undefined);
  const kb = (name: string) => {
    const m = text ? new RegExp(`^${name}:\\s+(\\d+)\\s*kB`, 'm').exec(text) : null;
    return m ? Number(m[1]) * 1024 : undefined;
  };
  return { total: kb('MemTotal') ?? os.totalmem(), available: kb('MemAvailable') ?? os.freemem() };
}

interface Reading {
  t: number;
  cpu?: { idle: number; total: number };
  memoryPct?: number;
  /** io_ticks (ms with I/O in flight) per disk. */
  disks?: Map<string, number>;
  /** bytes per interface and direction, with the link speed in bytes/s. */
  nics?: Map<string, { rx: number; tx: number; speed: number }>;
}

async function read(resources: Set<UtilisationResource>): Promise<Reading> {
  const reading: Reading = { t: Date.now() / 1000 };
  if (resources.has('cpu')) {
    let idle = 0;
    let total = 0;
    for (const c of os.cpus()) {
      idle += c.times.idle;
      total += c.times.user + c.times.nice + c.times.sys + c.times.idle + c.times.irq;
    }
    reading.cpu = { idle, total };
  }
  if (resources.has('memory')) {
    const m = await localMemory();
    reading.memoryPct = m.total > 0 ? 100 * (1 - m.available / m.total) : NaN;
  }
  if (resources.has('io')) reading.disks = await readDisks();
  if (resources.has('network')) reading.nics = await readNics();
  return reading;
}

/** Whole disks only, as node_exporter's default: no partitions, ram, loop or floppy devices. */
const NOT_A_DISK = /^(ram|zram|loop|fd)\d+$|^(h|s|v|xv)d[a-z]+\d+$|^nvme\d+n\d+p\d+$|^mmcblk\d+p\d+$/;

async function readDisks(): Promise<Map<string, number>> {
  const text = await readFile('/proc/diskstats', 'utf8');
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    const name = f[2];
    if (!name || NOT_A_DISK.test(name) || f.length < 13) continue;
    out.set(name, Number(f[12]));
  }
  return out;
}

async function readNics(): Promise<Map<string, { rx: number; tx: number; speed: number }>> {
  const text = await readFile('/proc/net/dev', 'utf8');
  const out = new Map<string, { rx: number; tx: number; speed: number }>();
  const names = new Set(await readdir('/sys/class/net').catch(() => [] as string[]));
  for (const line of text.split('\n').slice(2)) {
    const [rawName, rest] = line.split(':');
    const name = rawName?.trim();
    if (!name || !rest || name === 'lo' || !names.has(name)) continue;
    const mbps = Number((await readFile(`/sys/class/net/${name}/speed`, 'utf8').catch(() => '-1')).trim());
    if (!(mbps > 0)) continue;
    const f = rest.trim().split(/\s+/);
    out.set(name, { rx: Number(f[0]), tx: Number(f[8]), speed: (mbps * 1_000_000) / 8 });
  }
  return out;
}

function percentBetween(resource: UtilisationResource, a: Reading, b: Reading): number {
  const dt = b.t - a.t;
  switch (resource) {
    case 'cpu': {
      const total = b.cpu!.total - a.cpu!.total;
      return total > 0 ? 100 * (1 - (b.cpu!.idle - a.cpu!.idle) / total) : NaN;
    }
    case 'memory':
      return b.memoryPct!;
    case 'io': {
      let busiest = NaN;
      for (const [disk, ticks] of b.disks!) {
        const before = a.disks!.get(disk);
        if (before === undefined || dt <= 0) continue;
        const pct = Math.min(100, ((ticks - before) / (dt * 1000)) * 100);
        busiest = Number.isNaN(busiest) ? pct : Math.max(busiest, pct);
      }
      return busiest;
    }
    case 'network': {
      let busiest = NaN;
      for (const [nic, now] of b.nics!) {
        const before = a.nics!.get(nic);
        if (!before || dt <= 0) continue;
        const pct = (100 * Math.max(now.rx - before.rx, now.tx - before.tx)) / dt / now.speed;
        busiest = Number.isNaN(busiest) ? pct : Math.max(busiest, pct);
      }
      return busiest;
    }
  }
}

/** Bandwidth utilisation needs a link speed; virtual interfaces (containers, many VMs) report none. */
export async function localLinkSpeedKnown(): Promise<boolean> {
  return (await readNics().catch(() => new Map())).size > 0;
}

export interface LocalSamples {
  stepS: number;
  points: Map<UtilisationResource, PercentPoint[]>;
}

/**
 * Sample the resources every `intervalMs` for `windowMs` (at least one
 * interval, since rates need two readings). Aborting stops the sampling and
 * rejects with the signal's reason.
 */
export async function sampleLocal(resources: UtilisationResource[], windowMs: number, signal: AbortSignal): Promise<LocalSamples> {
  const wanted = new Set(resources);
  const intervalMs = Math.min(5_000, Math.max(250, Math.round(windowMs / 30)));
  const points = new Map<UtilisationResource, PercentPoint[]>(resources.map((r) => [r, []]));
  if (wanted.has('network') && (await readNics()).size === 0) {
    throw new Error('no network interface of this host reports a link speed (/sys/class/net/*/speed), so bandwidth utilisation cannot be measured');
  }
  let previous = await read(wanted);
  const end = previous.t * 1000 + Math.max(windowMs, intervalMs);
  while (Date.now() < end) {
    await sleep(intervalMs, undefined, { signal });
    const current = await read(wanted);
    for (const r of resources) points.get(r)!.push([current.t, percentBetween(r, previous, current)]);
    previous = current;
  }
  return { stepS: intervalMs / 1000, points };
}
