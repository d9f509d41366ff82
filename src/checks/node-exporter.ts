import type { UtilisationResource } from './host-figures.js';

/**
 * The PromQL golive runs for host figures, written against node_exporter's
 * metric names (prometheus-node-exporter on the database host). Each query
 * aggregates to one series, so the same text serves an instant reading and a
 * range over a window. `{{instance}}` and `{{rate_interval}}`: see promql.ts.
 *
 * - CPU: busy share = 1 - idle share of node_cpu_seconds_total, averaged over
 *   all cores (iowait counts as busy, as `top` shows it).
 * - memory: 1 - MemAvailable / MemTotal (the kernel's estimate of what can be
 *   had without swapping, not just free pages).
 * - storage I/O: share of time the busiest disk had I/O in flight
 *   (node_disk_io_time_seconds_total, what iostat calls %util), at most 100.
 * - network: the busiest interface and direction, bytes per second against its
 *   link speed (node_network_speed_bytes; interfaces without one are left out).
 */

const I = 'instance="{{instance}}"';

export const NODE_EXPORTER_QUERIES = {
  cpu_cores: `count(node_cpu_seconds_total{${I},mode="idle"})`,
  memory_total: `max(node_memory_MemTotal_bytes{${I}})`,
  memory_available: `max(node_memory_MemAvailable_bytes{${I}})`,
  cpu: `100 * (1 - avg(rate(node_cpu_seconds_total{${I},mode="idle"}[{{rate_interval}}])))`,
  memory: `100 * (1 - max(node_memory_MemAvailable_bytes{${I}}) / max(node_memory_MemTotal_bytes{${I}}))`,
  io: `clamp_max(100 * max(rate(node_disk_io_time_seconds_total{${I}}[{{rate_interval}}])), 100)`,
  network: networkQuery(),
} as const satisfies Record<'cpu_cores' | 'memory_total' | 'memory_available' | UtilisationResource, string>;

function networkQuery(): string {
  const speed = `on(instance, device) group_left() (node_network_speed_bytes{${I},device!="lo"} > 0)`;
  const direction = (metric: string, name: string) =>
    // The direction label keeps receive and transmit apart, so `or` keeps both.
    `label_replace(rate(${metric}{${I},device!="lo"}[{{rate_interval}}]), "direction", "${name}", "device", ".*") / ${speed}`;
  return `100 * max(${direction('node_network_receive_bytes_total', 'receive')} or ${direction('node_network_transmit_bytes_total', 'transmit')})`;
}

/** Metric names the plans and docs/prometheus.md promise, for readers and tests. */
export const NODE_EXPORTER_METRICS = [
  'node_cpu_seconds_total',
  'node_memory_MemTotal_bytes',
  'node_memory_MemAvailable_bytes',
  'node_disk_io_time_seconds_total',
  'node_network_receive_bytes_total',
  'node_network_transmit_bytes_total',
  'node_network_speed_bytes',
] as const;
