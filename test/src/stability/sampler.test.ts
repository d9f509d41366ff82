import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPoster } from '../../../src/app/processes.js';
import { ManualClock } from '../../../src/clock.js';
import { databaseName, quoteIdent } from '../../../src/db/pool.js';
import { migrateDatabase } from '../../../src/demo/setup.js';
import { silentLogger } from '../../../src/logger.js';
import { createAlertNotifier } from '../../../src/stability/alerts.js';
import { scheduledChannel } from '../../../src/stability/channel.js';
import { createSampler, type Sampler } from '../../../src/stability/sampler.js';
import { SERVER_URL } from '../../support/constants.js';
import { startHarness, TEST_BOT_TOKEN, type Harness } from '../../support/harness.js';
import { createDemoTestDatabase, type DemoTestDatabase } from '../demo/support.js';
import { messageText, PEOPLE, WINDOW_START, writeStabilityPlan, type StabilityPlanFile } from './support.js';

/**
 * The sampler on a real database with the plan's clock moved by hand: one
 * sample per slot however often a tick is delivered, real figures from the
 * database, and an alert posted once when new connections start failing
 * (the database refuses them) and cleared once when they come back.
 */
describe('stability sampler', () => {
  const clock = new ManualClock(WINDOW_START);
  const Q = 15 * 60_000;
  let plan: StabilityPlanFile;
  let db: DemoTestDatabase;
  let h: Harness;
  let sampler: Sampler;
  let admin: pg.Client;
  const windowId = 'stab.cp4.production';
  const at = (slot: number) => new Date(WINDOW_START.getTime() + slot * Q);

  beforeAll(async () => {
    plan = await writeStabilityPlan();
    db = await createDemoTestDatabase('stsamp');
    h = await startHarness({ planFiles: [plan.file], environments: { production: db.url }, clock, worker: false });
    const slack = createPoster(h.core, { botToken: TEST_BOT_TOKEN, apiUrl: h.fake.apiUrl });
    const channelFor = (planId: string) => scheduledChannel({ channel: h.core.config.channel, pool: h.core.pool }, planId);
    const alerts = createAlertNotifier({ store: h.core.store, plans: h.core.plans, roles: h.core.roles, slack, clock, logger: silentLogger(), channelFor });
    sampler = createSampler({ plans: h.core.plans, store: h.core.store, config: h.core.config, clock, logger: silentLogger(), alerts });
    admin = new pg.Client({ connectionString: `${SERVER_URL}/postgres` });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.query(`ALTER DATABASE ${quoteIdent(databaseName(db.url))} ALLOW_CONNECTIONS true`).catch(() => {});
    await admin?.end();
    await sampler?.close();
    await h?.close();
    await db?.drop();
    await plan?.remove();
  });

  it('stores each probe of a tick once, in the slot of its scheduled time; a repeated tick stores nothing', async () => {
    const first = await sampler.probeTick({ planId: 'stab', windowId, at: at(0) });
    expect(first).toEqual({ stored: ['database', 'network'], duplicates: [] });
    expect(await sampler.probeTick({ planId: 'stab', windowId, at: at(0) })).toEqual({ stored: [], duplicates: ['database', 'network'] });
    const rows = await h.core.store.samples.list({ planId: 'stab', environment: 'production', kinds: ['database', 'network'], from: at(0), to: at(1) });
    expect(rows.map((r) => [r.kind, r.slot, r.ok])).toEqual([
      ['database', 0, true],
      ['network', 0, true],
    ]);
    // The database probe reads the transaction counter: throughput can be followed from the probes alone.
    expect(typeof rows[0]!.figures.xacts).toBe('number');
  });

  it('samples the minute figures from the database: Q1-Q3, pg_stat_database, connections, locks, partitions', async () => {
    expect(await sampler.metricsTick({ planId: 'stab', windowId, at: at(0) })).toEqual({ stored: ['metrics'], duplicates: [] });
    expect(await sampler.metricsTick({ planId: 'stab', windowId, at: at(0) })).toEqual({ stored: [], duplicates: ['metrics'] });
    await sampler.metricsTick({ planId: 'stab', windowId, at: at(1) });
    const [, second] = await h.core.store.samples.list({ planId: 'stab', environment: 'production', kinds: ['metrics'], from: at(0), to: at(2) });
    const f = second!.figures as Record<string, any>;
    expect(Object.keys(f.queries).sort()).toEqual(['Q1', 'Q2', 'Q3']);
    for (const q of Object.values(f.queries) as Array<{ ms: number }>) expect(q.ms).toBeGreaterThan(0);
    expect(f.database.xact_commit).toBeGreaterThan(0);
    // The change since the previous sample, not the counter since the server started.
    expect(f.database.commits).toBeGreaterThanOrEqual(0);
    expect(f.database.cache_hit_pct).toBeGreaterThan(0);
    expect(f.connections.max).toBeGreaterThan(0);
    expect(f.locks).toEqual({ waiting: 0, longest_wait_s: 0 });
    // The demo test database is not migrated yet: one plain table, no pruning to judge.
    expect(Object.keys(f.partitions)).toEqual(['catalogo_geometrias']);
    expect(f.pruning).toBeUndefined();
    expect(f.errors).toEqual({});
  });

  it('stores nothing for a tick outside the window', async () => {
    expect(await sampler.probeTick({ planId: 'stab', windowId, at: new Date(WINDOW_START.getTime() - 1) })).toEqual({ skipped: 'the tick comes before the window' });
    expect(await sampler.probeTick({ planId: 'stab', windowId, at: new Date('2026-02-19T17:30:00Z') })).toEqual({ skipped: 'the window is over' });
  });

  it('posts an alert once while new connections fail, mentioning SEV 2 escalation, and a recovery once', async () => {
    const alertsPosted = () => h.fake.messages().filter((m) => /SEV2 alert STAB · production: new connections failing/.test(m.text));
    const recoveries = () => h.fake.messages().filter((m) => /Recovered · STAB · production · new connections failing/.test(m.text));

    await admin.query(`ALTER DATABASE ${quoteIdent(databaseName(db.url))} ALLOW_CONNECTIONS false`);
    for (const slot of [2, 3, 4]) {
      clock.set(at(slot));
      const r = await sampler.probeTick({ planId: 'stab', windowId, at: at(slot) });
      expect(r).toEqual({ stored: ['database', 'network'], duplicates: [] });
    }
    expect(alertsPosted()).toHaveLength(1);
    const alert = alertsPosted()[0]!;
    // SEV 2 calls levels 1-4: DBA, Infrastructure, Application, Tech Lead/CTO (not the PM).
    for (const user of [PEOPLE.dba, PEOPLE.infra, PEOPLE.app, PEOPLE.cto, PEOPLE.tech]) expect(messageText(alert)).toContain(`<@${user}>`);
    expect(messageText(alert)).not.toContain(`<@${PEOPLE.pm}>`);
    // The kept connection of the database probe still answers: no alert for it.
    expect(h.fake.messages().filter((m) => /database not answering/.test(m.text))).toHaveLength(0);

    await admin.query(`ALTER DATABASE ${quoteIdent(databaseName(db.url))} ALLOW_CONNECTIONS true`);
    for (const slot of [5, 6, 7]) {
      clock.set(at(slot));
      await sampler.probeTick({ planId: 'stab', windowId, at: at(slot) });
    }
    expect(recoveries()).toHaveLength(1);
    expect(recoveries()[0]!.text).toMatch(/after 45m/);
    expect(alertsPosted()).toHaveLength(0);
    // The alert itself now says it cleared.
    expect(h.fake.messages().filter((m) => /^Cleared: SEV2 STAB · production new connections failing/.test(m.text))).toHaveLength(1);

    const alerts = (await h.core.pool.query(`SELECT metric, severity, opened_at, cleared_at FROM stability_alerts ORDER BY id`)).rows;
    expect(alerts).toEqual([{ metric: 'probe_network', severity: 'SEV2', opened_at: at(2), cleared_at: at(5) }]);
    const audit = (await h.core.pool.query(`SELECT action FROM audit_log WHERE action LIKE 'alert.%' ORDER BY id`)).rows.map((r) => r.action);
    expect(audit).toEqual(['alert.opened', 'alert.cleared']);
  });

  it('reads partition pruning of the sampled queries and scans per partition once the table is partitioned', async () => {
    await migrateDatabase(db.url);
    clock.set(at(8));
    expect(await sampler.metricsTick({ planId: 'stab', windowId, at: at(8) })).toEqual({ stored: ['metrics'], duplicates: [] });
    const [latest] = (await h.core.store.samples.list({ planId: 'stab', environment: 'production', kinds: ['metrics'], from: at(8), to: at(9) })) as Array<{ figures: Record<string, any> }>;
    const f = latest!.figures;
    expect(f.errors).toEqual({});
    expect(f.pruning.partitions).toBeGreaterThan(10);
    expect(f.pruning.queries).toBe(3);
    // Q1-Q3 bound created_at: each reads fewer partitions than the table has.
    expect(f.pruning.pct).toBe(100);
    for (const q of Object.values(f.queries) as Array<{ pruned: boolean; scanned: number; partitions: number }>) expect(q.scanned).toBeLessThan(q.partitions);
    expect(Object.keys(f.partitions).length).toBe(f.pruning.partitions);
    const indexed = Object.values(f.partitions) as Array<{ indexes: Record<string, number> }>;
    expect(indexed.every((p) => Object.keys(p.indexes).length > 0)).toBe(true);
  });
});
