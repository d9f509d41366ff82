import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeGroup } from '../../../src/checks/execute.js';
import { baseContext, checkOf, planWith } from './support.js';

describe('http_probe check', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    // A stand-in for Grafana / Alertmanager / the log stack.
    server = createServer((req, res) => {
      if (req.url === '/api/health') return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ database: 'ok', version: '10.2' }));
      if (req.url === '/api/rules') {
        if (req.headers.authorization !== 'Bearer t0ken') return res.writeHead(401).end('unauthorized');
        return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { groups: [{ name: 'critical' }, { name: 'disk' }] } }));
      }
      if (req.url === '/broken') return res.writeHead(500).end('internal error');
      res.writeHead(404).end('not found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const probe = async (params: Record<string, unknown>, extra: Parameters<typeof baseContext>[0] = {}) => {
    const check = checkOf('http_probe', params);
    return (await executeGroup([check], baseContext(extra))).get(check.id)!;
  };

  it('passes when status, body and JSON field answer as expected', async () => {
    const outcome = await probe({ url: `${base}/api/health`, body_contains: '"database"', json: { path: 'database', equals: 'ok' } });
    expect(outcome.status).toBe('pass');
    expect(outcome.observed).toMatchObject({ ok: true, status: 200 });
  });

  it('fails on a 500, saying what it got', async () => {
    const outcome = await probe({ url: `${base}/broken` });
    expect(outcome.status).toBe('fail');
    expect(outcome.message).toMatch(/\/broken answered 500, expected 200/);
  });

  it('uses the token from the variable the plan names, and never shows it', async () => {
    const plan = planWith({ endpoints: { alerting: { url: base, token_var: 'GOLIVE_ALERT_TOKEN' } } as never });
    const outcome = await probe(
      { endpoint: 'alerting', path: '/api/rules', json: { path: 'data.groups', min_items: 2 } },
      { plan, readVariable: (name) => (name === 'GOLIVE_ALERT_TOKEN' ? 't0ken' : undefined) },
    );
    expect(outcome.status).toBe('pass');
    expect(outcome.evidence.authenticated).toBe(true);
    expect(JSON.stringify(outcome)).not.toContain('t0ken');

    const tooFew = await probe(
      { endpoint: 'alerting', path: '/api/rules', json: { path: 'data.groups', min_items: 3 } },
      { plan, readVariable: () => 't0ken' },
    );
    expect(tooFew.status).toBe('fail');
    expect(tooFew.message).toMatch(/data\.groups has 2 items, expected at least 3/);
  });

  it('errors plainly when the token variable is not set', async () => {
    const plan = planWith({ endpoints: { alerting: { url: base, token_var: 'GOLIVE_ALERT_TOKEN' } } as never });
    const outcome = await probe({ endpoint: 'alerting', path: '/api/rules' }, { plan });
    expect(outcome.status).toBe('error');
    expect(outcome.message).toBe('endpoint alerting needs a token, and GOLIVE_ALERT_TOKEN is not set on the worker');
  });

  it('errors when nothing listens', async () => {
    // A port that was free a moment ago (fetch refuses well-known ports like 1 before trying).
    const spare = createServer();
    await new Promise<void>((resolve) => spare.listen(0, '127.0.0.1', resolve));
    const port = (spare.address() as AddressInfo).port;
    await new Promise((resolve) => spare.close(resolve));
    const outcome = await probe({ url: `http://127.0.0.1:${port}/health` });
    expect(outcome.status).toBe('error');
    expect(outcome.message).toMatch(/connection refused/);
  });

  it('resolves a path endpoint against golive’s own web server', async () => {
    const outcome = await probe({ url: '/api/health' }, { selfBaseUrl: base });
    expect(outcome.status).toBe('pass');
  });
});
