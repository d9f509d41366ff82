import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../support/harness.js';

const idOf = (url: string) => url.split('/').pop()!;

/** The spine end to end: signed Slack requests → Bolt → router → state DB / Redis → worker → Slack. */
describe('web process', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h?.close());

  const deliveries = async () => Number((await h.stateDb.pool.query('SELECT count(*) FROM slack_deliveries')).rows[0].count);

  it.each(['missing-signature', 'wrong-signature', 'stale', 'body-changed'] as const)('answers 401 to a %s request and does nothing', async (tamper) => {
    const before = await deliveries();
    const answer = await h.fake.sendCommand({ text: 'ping', userId: 'U0DBA0001', tamper });
    expect(answer.status).toBe(401);
    expect(await deliveries()).toBe(before);
    expect(h.fake.responses.filter((r) => r.responseUrlId === idOf(answer.responseUrl))).toEqual([]);
  });

  it('answers help with the usage, ephemerally', async () => {
    const answer = await h.command('help');
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ response_type: 'ephemeral' });
    const text = (answer.json as { text: string }).text;
    expect(text).toContain('/golive cpN run [ENV]');
    expect(text).toContain('/golive baseline capture ENV [replace]');
  });

  it.each(['dance', 'cp9 status', 'cp1 status now', 'cp1 start'])('answers %j with a short usage, never a trace', async (text) => {
    const answer = await h.command(text);
    expect(answer.status).toBe(200);
    const body = answer.json as { text: string; response_type: string };
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toMatch(/^Sorry: /);
    expect(body.text).not.toMatch(/at .*\.ts:\d+|Error:/);
  });

  it('shows every checkpoint of the plan from the state DB', async () => {
    await h.stateDb.pool.query(
      `INSERT INTO runs (plan_id, checkpoint_id, number, status, decision, decision_kind, started_by, finished_at)
       VALUES ('demo', 'cp1', 1, 'complete', 'PASS', 'go', 'U0DBA0001', now())`,
    );
    const answer = await h.command('status');
    const body = answer.json as { text: string; blocks: unknown[] };
    expect(body.text).toContain('cp1: PASS');
    expect(body.text).toContain('cp2: no run yet');
    expect(JSON.stringify(body.blocks)).toContain('🟢 PASS · run #1');
  });

  it('round-trips ping through Redis and a worker, which answers pong on the response_url', async () => {
    const answer = await h.command('ping');
    expect((answer.json as { text: string }).text).toMatch(/Ping queued/);
    const pong = await h.fake.waitFor(() => h.fake.responses.find((r) => r.responseUrlId === idOf(answer.responseUrl) && /pong/.test(String(r.body.text))), { timeoutMs: 10_000 });
    expect(String(pong.body.text)).toMatch(/^pong · queue latency \d+ ms$/);
  });

  it('does the work of a retried delivery once', async () => {
    const triggerId = `1234.5678.retry${Date.now()}`;
    const first = await h.command('ping', 'U0DBA0001', { triggerId });
    const second = await h.command('ping', 'U0DBA0001', { triggerId, retryNum: 1, retryReason: 'http_timeout' });
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    await h.fake.waitFor(() => h.fake.responses.some((r) => r.responseUrlId === idOf(first.responseUrl) && /pong/.test(String(r.body.text))), { timeoutMs: 10_000 });
    // Give a second pong every chance to appear before asserting there is none.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const pongs = h.fake.responses.filter((r) => [idOf(first.responseUrl), idOf(second.responseUrl)].includes(r.responseUrlId) && /pong/.test(String(r.body.text)));
    expect(pongs).toHaveLength(1);
  });

  it('reports health of the state DB and Redis, and Prometheus metrics', async () => {
    const base = h.botUrl.replace('/slack/events', '');
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', stateDb: { ok: true }, redis: { ok: true } });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/golive_commands_total\{command="help",outcome="answered"/);
  });
});
