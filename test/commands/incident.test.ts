import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { createIncidents } from '../../src/incidents/service.js';
import { silentLogger } from '../../src/logger.js';
import { startHarness, type Harness } from '../support/harness.js';
import { createTestStateDb, type TestStateDb } from '../support/state-db.js';
import { ackText, messageText, PEOPLE, writeStabilityPlan, type StabilityPlanFile } from '../src/stability/support.js';

/**
 * `/golive incident SEV TEXT` and `/golive incident resolve ID` through Bolt,
 * the queue and the Slack fake: recorded once per command, posted mentioning
 * the people of the escalation levels the severity calls, resolved only by
 * the roles the plan allows, everything audited.
 */
describe('/golive incident', () => {
  const clock = new ManualClock('2026-02-18T15:00:00Z');
  let plan: StabilityPlanFile;
  let target: TestStateDb;
  let h: Harness;

  beforeAll(async () => {
    plan = await writeStabilityPlan();
    target = await createTestStateDb('inctarget');
    h = await startHarness({ planFiles: [plan.file], environments: { production: target.url }, clock });
  });
  afterAll(async () => {
    await h?.close();
    await target?.drop();
    await plan?.remove();
  });

  const incidentPosts = () => h.fake.messages().filter((m) => /^STAB incident #/.test(m.text));

  it('records an incident once per command and posts it calling the escalation levels of its severity', async () => {
    const first = await h.command('incident sev2 Replication lag growing on the primary', PEOPLE.oncall, { triggerId: 'trig-inc-1' });
    expect(ackText(first)).toMatch(
      /^Incident #1 recorded \(SEV2, critical\)\. golive posts it in the channel and calls level 1 Database Administrator \(primary\), level 2 .*, level 3 .*, level 4 Tech Lead\/CTO \(architectural decisions\)\./,
    );
    const post = await h.fake.waitFor(() => incidentPosts()[0], { timeoutMs: 20_000, description: 'the incident post' });
    const text = messageText(post);
    for (const user of [PEOPLE.dba, PEOPLE.infra, PEOPLE.app, PEOPLE.tech, PEOPLE.cto]) expect(text).toContain(`<@${user}>`);
    expect(text).not.toContain(`<@${PEOPLE.pm}>`);
    expect(text).toContain('Replication lag growing on the primary');
    expect(text).toContain("holds CP4 Production stability's acceptance");
    expect(text).toContain('/golive stab incident resolve 1');

    // Slack delivers the same command again: the web process ignores the delivery, and
    // even past that, the trigger id finds the incident it made.
    await h.command('incident sev2 Replication lag growing on the primary', PEOPLE.oncall, { triggerId: 'trig-inc-1' });
    const incidents = createIncidents({ plans: h.core.plans, store: h.core.store, clock, logger: silentLogger(), queues: h.core.queues });
    const direct = await incidents.open({ planId: 'stab', severity: 'SEV2', text: 'Replication lag growing on the primary', userId: PEOPLE.oncall, channelId: h.fake.identity.channel.id, requestKey: 'trig-inc-1' });
    expect(direct).toMatchObject({ created: false, incident: { id: 1 } });
    expect((await h.core.pool.query(`SELECT count(*)::int AS n FROM incidents`)).rows[0].n).toBe(1);
    await new Promise((r) => setTimeout(r, 500));
    expect(incidentPosts()).toHaveLength(1);
  });

  it('calls only the first level for a minor incident', async () => {
    const ack = ackText(await h.command('incident sev4 A report is two minutes late', PEOPLE.dba));
    expect(ack).toMatch(/^Incident #2 recorded \(SEV4, minor\)\. golive posts it in the channel and calls level 1 Database Administrator \(primary\)\./);
    const post = await h.fake.waitFor(() => h.fake.messages().find((m) => /^STAB incident #2 /.test(m.text)), { timeoutMs: 20_000, description: 'the SEV4 post' });
    expect(messageText(post)).toContain(`<@${PEOPLE.dba}>`);
    expect(messageText(post)).not.toContain(`<@${PEOPLE.infra}>`);
    expect(messageText(post)).not.toContain('acceptance');
  });

  it('answers a severity the plan does not know with the usage', async () => {
    expect(ackText(await h.command('incident sev9 something', PEOPLE.dba))).toMatch(/usage: `incident SEV TEXT` with SEV one of SEV1, SEV2, SEV3, SEV4/);
  });

  it('lets only the roles the plan names resolve it, says so in the channel, and audits it', async () => {
    expect(ackText(await h.command('incident resolve 1', PEOPLE.pm))).toMatch(/^Sorry: only .*Infrastructure Team.* may `incident_resolve`/);
    expect(await h.core.store.incidents.get('stab', 1)).toMatchObject({ resolvedAt: null });

    clock.advance(25 * 60_000);
    expect(ackText(await h.command('incident resolve 1', PEOPLE.infra))).toBe('Incident #1 (SEV2) resolved; golive says so in the channel.');
    const resolution = await h.fake.waitFor(() => h.fake.messages().find((m) => /Incident #1 \(SEV2\) resolved after 25m/.test(m.text)), { timeoutMs: 20_000, description: 'the resolution post' });
    expect(messageText(resolution)).toContain(`<@${PEOPLE.infra}>`);
    // The incident's own post now says it is resolved.
    await h.fake.waitFor(() => incidentPosts().find((m) => /^STAB incident #1 SEV2 resolved/.test(m.text)), { timeoutMs: 20_000, description: 'the updated incident post' });

    expect(ackText(await h.command('incident resolve 1', PEOPLE.dba))).toMatch(/^Not resolved: incident #1 was resolved already by <@U0INF0001>/);
    expect(ackText(await h.command('incident resolve 99', PEOPLE.dba))).toBe('Not resolved: plan stab has no incident #99.');

    const audit = (await h.core.pool.query(`SELECT actor, action, details FROM audit_log WHERE action LIKE 'incident.%' OR (action = 'permission.refused') ORDER BY id`)).rows;
    expect(audit.map((a) => [a.actor, a.action])).toEqual([
      [PEOPLE.oncall, 'incident.opened'],
      [PEOPLE.dba, 'incident.opened'],
      [PEOPLE.pm, 'permission.refused'],
      [PEOPLE.infra, 'incident.resolved'],
    ]);
    expect(audit[0]!.details).toMatchObject({ incident: 1, severity: 'SEV2', class: 'critical', levels: [1, 2, 3, 4] });
    expect(audit[3]!.details).toMatchObject({ incident: 1, open_ms: 25 * 60_000 });
  });
});
