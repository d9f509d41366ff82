import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evidenceDigest } from '../../src/engine/digest.js';
import { allChecks, findCheckpoint } from '../../src/plan/schema.js';
import { startHarness, type Harness } from '../support/harness.js';
import { emptyDatabase, UNREACHABLE_URL, type EmptyDatabase } from '../src/checks/support.js';
import { ackText, blocksText, DBA, OUTSIDER, PM, writeEnginePlan, type EnginePlan } from '../src/engine/support.js';

describe('/golive cpN run', () => {
  let plan: EnginePlan;
  let db: EmptyDatabase;
  let h: Harness;

  beforeAll(async () => {
    plan = await writeEnginePlan({ sleepSeconds: 2, extraEnvironments: ['broken'] });
    db = await emptyDatabase('run');
    h = await startHarness({ planFiles: [plan.file], environments: { staging: db.url, broken: UNREACHABLE_URL } });
  });
  afterAll(async () => {
    await h?.close();
    await db?.drop();
    await plan?.remove();
  });

  const card = (runNumber: number) => h.fake.messages().find((m) => blocksText(m.blocks).includes(`run #${runNumber}`));

  it('posts the card at once, refuses a second run meanwhile, and ends with the decision and its evidence', async () => {
    const ack = await h.command('cp1 run', DBA);
    expect(ackText(ack)).toMatch(/Run #1 of cp1 started on staging: 9 checks/);
    const posted = card(1);
    expect(posted).toBeDefined();
    expect(blocksText(posted!.blocks)).toMatch(/ENG · CP1 Staging pre-validation · run #1/);
    expect(blocksText(posted!.blocks)).toMatch(/⏳ running \d+\/9/);

    // The sql check sleeps 2 s: the run is still in progress.
    const second = await h.command('cp1 run', DBA);
    expect(ackText(second)).toMatch(/Not started: run #1 of cp1 is still in progress \(started by <@U0DBA0001>/);

    // Everything automated passes; the manual check waits for the PM: not a PASS yet.
    const decided = await h.fake.waitFor(() => {
      const m = card(1);
      return m && /INCOMPLETE/.test(blocksText(m.blocks)) && m;
    }, { timeoutMs: 30_000, description: 'run #1 decided' });
    const text = blocksText(decided.blocks);
    expect(text).toMatch(/⏸️ \*INCOMPLETE\* · 1 check pending; PASS once they pass/);
    expect(text).toMatch(/Brief team on timeline\* awaiting attestation by Project Manager/);
    expect(text).toMatch(/Connectivity validation 3\/3 ✓/);
    expect(text).toMatch(/evidence `[0-9a-f]{12}` · started by <@U0DBA0001> · \w{3} \d\d\/\d\d\/\d{4} \d\d:\d\d America\/Sao_Paulo \(UTC-03:00\)/);
    expect(decided.updated).toBeGreaterThan(0);

    const run = (await h.core.store.runs.latest('eng', 'cp1'))!;
    expect(run).toMatchObject({ status: 'complete', decision: 'INCOMPLETE', decisionKind: 'incomplete', messageTs: decided.ts });
    const results = await h.core.store.runs.results(run.id);
    const cp = findCheckpoint(h.core.plans.require('eng'), 'cp1')!;
    expect(results.map((r) => r.checkId).sort()).toEqual(allChecks(cp).map((c) => c.id).sort());
    // The digest is recomputable from the stored rows.
    expect(run.evidenceDigest).toBe(evidenceDigest(results, allChecks(cp)));

    // cpN status shows the evidence of that run, to the asker only.
    const status = await h.command('cp1 status', OUTSIDER);
    const statusJson = status.json as { response_type: string; blocks: unknown[] };
    expect(statusJson.response_type).toBe('ephemeral');
    const statusText = blocksText(statusJson.blocks);
    expect(statusText).toMatch(/Run #1/);
    expect(statusText).toMatch(/Staging DB accessibility\* connected to golive_t_run_\w+ \(PostgreSQL 15/);
    expect(statusText).toMatch(/A query answers\* \?column\? = 1/);
    expect(statusText).toMatch(/Sign-offs[\s\S]*☐ Database Administrator \(confirm connectivity \+ resources\)/);
  });

  it('lets only the role the plan names attest, and then decides PASS', async () => {
    const m = card(1)!;
    const refused = await h.fake.clickButton({ userId: OUTSIDER, channel: m.channel, ts: m.ts, actionId: 'run-attest-brief_team' });
    expect(refused.status).toBe(200);
    const refusal = await h.fake.waitFor(() => h.fake.responses.find((r) => /Not recorded: only Project Manager may attest/.test(String(r.body.text))));
    expect(refusal.body.response_type).toBe('ephemeral');

    await h.fake.clickButton({ userId: PM, channel: m.channel, ts: m.ts, actionId: 'run-attest-brief_team' });
    const passed = await h.fake.waitFor(() => {
      const c = card(1);
      return c && /🟢 \*PASS\*/.test(blocksText(c.blocks)) && c;
    }, { timeoutMs: 10_000, description: 'PASS after attestation' });
    expect(blocksText(passed.blocks)).not.toMatch(/Attest/);
    const run = (await h.core.store.runs.latest('eng', 'cp1'))!;
    expect(run).toMatchObject({ decision: 'PASS', decisionKind: 'go' });
    const attestations = await h.core.store.attestations.forRun(run.id);
    expect(attestations).toHaveLength(1);
    expect(attestations[0]).toMatchObject({ checkId: 'brief_team', role: 'pm', userId: PM });

    // A second click records nothing more.
    await h.fake.clickButton({ userId: PM, channel: m.channel, ts: m.ts, actionId: 'run-attest-brief_team' }).catch(() => undefined);
    expect(await h.core.store.attestations.forRun(run.id)).toHaveLength(1);
  });

  it('decides HOLD when a fail trigger fires, listing the actions and the reschedule', async () => {
    const ack = await h.command('cp1 run broken', DBA);
    expect(ackText(ack)).toMatch(/Run #2 of cp1 started on broken/);
    const held = await h.fake.waitFor(() => {
      const m = card(2);
      return m && /HOLD/.test(blocksText(m.blocks)) && m;
    }, { timeoutMs: 30_000, description: 'run #2 decided HOLD' });
    const text = blocksText(held.blocks);
    expect(text).toMatch(/🔴 \*HOLD\*/);
    expect(text).toMatch(/Fail triggers fired[\s\S]*Staging connectivity down/);
    expect(text).toMatch(/Staging DB accessibility\* error: cannot connect to broken: connection refused by 127\.0\.0\.1:1/);
    expect(text).toMatch(/HOLD: what happens now[\s\S]*Hold staging deployment \(24 hours\)[\s\S]*Reschedule \+24h \(staging deployment\)/);
    // Failures come before the folded criteria.
    expect(text.indexOf('Failed (')).toBeLessThan(text.indexOf('*Criteria*'));
  });

  it('refuses a person without a role the plan allows', async () => {
    const ack = await h.command('cp1 run', OUTSIDER);
    expect(ackText(ack)).toMatch(/only Database Administrator .* may `run` at cp1/);
  });
});
