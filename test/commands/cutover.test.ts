import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { SERVER_URL } from '../support/constants.js';
import { ackText, answerTo, click, DBA, insertProceed, openGateBefore, PEOPLE } from '../src/cutover/support.js';

/**
 * `/golive cp3 start | rehearse | rollback | abort` at the command level:
 * who may, one active cutover per plan and environment, the confirmation
 * card's buttons (only the DBA role; a cancelled card frees the slot). No
 * worker runs here: nothing is confirmed into a job.
 */
describe('/golive cp3 start | rehearse | rollback | abort', () => {
  let h: Harness;
  const nowhere = `${SERVER_URL}/golive_t_cutover_cmd_unused`;

  beforeAll(async () => {
    h = await startHarness({ worker: false, environments: { shadow: nowhere, staging: nowhere, production: nowhere } });
  });
  afterAll(async () => {
    await h?.close();
  });

  const cardOf = (id: number) => h.fake.waitFor(() => h.fake.messages().findLast((m) => m.text.includes(`#${id}`) && /confirm/.test(m.text)), { description: `the card of #${id}` });

  it('refuses the verbs to roles the plan does not name, ephemerally, and audits the refusals', async () => {
    for (const [verb, user] of [
      ['start', PEOPLE.app_lead],
      ['rehearse', PEOPLE.qa_lead],
      ['rollback', PEOPLE.pm],
      ['abort', PEOPLE.infra],
    ] as const) {
      const ack = await h.command(`cp3 ${verb}`, user);
      expect(ack.json).toMatchObject({ response_type: 'ephemeral' });
      expect(ackText(ack)).toMatch(new RegExp(`may \`${verb}\` at cp3`));
    }
    const refused = (await h.core.pool.query(`SELECT details->>'command' AS c FROM audit_log WHERE action = 'permission.refused' ORDER BY id`)).rows.map((r) => r.c);
    expect(refused).toEqual(['start', 'rehearse', 'rollback', 'abort']);
  });

  it('abort with nothing running says so', async () => {
    expect(ackText(await h.command('cp3 abort', DBA))).toMatch(/No cutover or rehearsal is running/);
  });

  it('one active cutover per environment: a second start waits; the card only answers the DBA role; cancel frees it', async () => {
    await openGateBefore(h.core.pool, h.core.plans.require('demo'));
    await insertProceed(h.core.pool);
    expect(ackText(await h.command('cp3 start', DBA))).toMatch(/Posted the confirmation card for DEMO · CP3 production cutover on production #(\d+)/);
    const first = (await h.core.store.cutovers.latest('demo', ['cutover']))!;
    expect(first.status).toBe('awaiting_confirmation');
    expect(ackText(await h.command('cp3 start', DBA))).toMatch(/Not started: cutover #\d+ on production is waiting for its confirmation/);
    // A rollback of production is the same environment: also one at a time.
    expect(ackText(await h.command('cp3 rollback', DBA))).toMatch(/Not started: cutover #\d+ on production is waiting for its confirmation/);
    // A rehearsal is on staging: it may be asked for meanwhile.
    expect(ackText(await h.command('cp3 rehearse', DBA))).toMatch(/Posted the confirmation card for DEMO · CP3 rehearsal on staging/);

    const card = await cardOf(first.id);
    expect(await click(h, PEOPLE.app_lead!, card, 'cutover-confirm')).toMatch(/may `start`/);
    expect(await click(h, PEOPLE.app_lead!, card, 'cutover-cancel')).toMatch(/may `start`/);
    expect(await click(h, DBA, card, 'cutover-cancel')).toMatch(/Cancelled cutover #\d+/);
    expect((await h.core.store.cutovers.get(first.id))!.status).toBe('cancelled');
    // The card has no buttons now; an old copy of it clicked anyway finds the cutover cancelled.
    expect(JSON.stringify(h.fake.messages().find((m) => m.ts === card.ts)!.blocks)).not.toContain('cutover-confirm');
    const before = h.fake.ephemerals(DBA).filter((e) => e.via === 'api').length;
    await h.fake.sendBlockAction({ userId: DBA, message: card, actionId: 'cutover-confirm', value: String(first.id) });
    expect(await answerTo(h, DBA, before)).toMatch(/is cancelled already/);

    expect(ackText(await h.command('cp3 start', DBA))).toMatch(/Posted the confirmation card/);
    // Abort before confirmation cancels the waiting card.
    expect(ackText(await h.command('cp3 abort', DBA))).toMatch(/Cancelled/);
  });
});
