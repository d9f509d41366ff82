import { readFile } from 'node:fs/promises';

/**
 * Peak CPU and memory use of the worker's own host while a load test runs
 * (host_metrics: local — the demo, where the database runs beside golive).
 * Read from /proc once a second; on a system without /proc the peaks stay
 * null. Production hosts are read from Prometheus by the host_resources
 * checks instead.
 */
export interface HostPeaks {
  cpuPeakPct: number | null;
  memoryPeakPct: number | null;
  samples: number;
}

export function startHostSampler(everyMs = 1_000): { stop(): Promise<HostPeaks> } {
  let cpuPeak: number | null = null;
  let memoryPeak: number | null = null;
  let samples = 0;
  let previous: { idle: number; total: number } | undefined;
  let running = true;

  const sample = async () => {
    const cpu = await readCpu();
    const memory = await readMemoryPct();
    if (cpu && previous && cpu.total > previous.total) {
      const busy = 100 * (1 - (cpu.idle - previous.idle) / (cpu.total - previous.total));
      cpuPeak = Math.max(cpuPeak ?? 0, Math.round(busy * 10) / 10);
    }
    if (cpu) previous = cpu;
    if (memory !== null) memoryPeak = Math.max(memoryPeak ?? 0, memory);
    samples++;
  };

  let pending = sample();
  const timer = setInterval(() => {
    if (running) pending = pending.then(sample);
  }, everyMs);

  return {
    async stop() {
      running = false;
      clearInterval(timer);
      await pending.then(sample).catch(() => {});
      return { cpuPeakPct: cpuPeak, memoryPeakPct: memoryPeak, samples };
    },
  };
}

async function readCpu(): Promise<{ idle: number; total: number } | undefined> {
  try {
    const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0] ?? '';
    const fields = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal: idle time is idle + iowait.
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    const total = fields.slice(0, 8).reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
    return total > 0 ? { idle, total } : undefined;
  } catch {
    return undefined;
  }
}

async function readMemoryPct(): Promise<number | null> {
  try {
    const text = await readFile('/proc/meminfo', 'utf8');
    const value = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? NaN);
    const total = value('MemTotal');
    const available = value('MemAvailable');
    if (!Number.isFinite(total) || !Number.isFinite(available) || total <= 0) return null;
    return Math.round(((total - available) / total) * 1000) / 10;
  } catch {
    return null;
  }
}
