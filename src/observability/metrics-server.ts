import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from '../logger.js';

/**
 * A worker's own Prometheus endpoint: GET /metrics with the process's
 * registry (jobs by outcome and duration, Node process figures). Workers
 * have no web server of their own otherwise; each one is a scrape target
 * (GOLIVE_WORKER_METRICS_PORT; the entry point skips this when it is 0).
 * Anything else answers 404.
 */

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

/** Listens on `port` (0: any free one); undefined when the port is taken (logged: a second worker on the same host must not die of it). */
export async function startMetricsServer(deps: { registry: Registry; port: number; host?: string; logger: Logger }): Promise<MetricsServer | undefined> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found: GET /metrics\n');
      return;
    }
    deps.registry
      .metrics()
      .then((body) => {
        res.writeHead(200, { 'Content-Type': deps.registry.contentType });
        res.end(body);
      })
      .catch((err) => {
        deps.logger.warn({ err }, 'metrics endpoint failed');
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end('metrics unavailable\n');
      });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(deps.port, deps.host ?? '0.0.0.0', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    deps.logger.warn({ err, port: deps.port }, 'the worker metrics endpoint could not listen (another worker on this host? give each its own GOLIVE_WORKER_METRICS_PORT); going on without it');
    return undefined;
  }
  const port = (server.address() as AddressInfo).port;
  deps.logger.info({ port }, 'worker metrics at GET /metrics');
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
