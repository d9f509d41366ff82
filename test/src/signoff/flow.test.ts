import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatLocal } from '../../../src/plan/time.js';
import { startHarness, type Harness } from '../../support/harness.js';
import {
  DBA_GROUP,
  U,
  action,
  allSignoffs,
  apiEphemeralCount,
  attest,
  auditActions,
  blocksText,
  cardOf,
  click,
  ephemeralsSince,
  insertRun,
  liveSignoffs,
  postCard,
  writeRolesVariant,
} from './support.js';

/**
 * Sign-offs through the Slack fake: signed block_actions and view_submission
 * payloads against the real web process, state DB and roles (demo plan, four
 * eyes on; roles.example.yaml plus a DBA user group and a two-role person).
 */
describe('sign-offs by role', () => {
  let h: Harness;
  let channel: string;
  const zone = 'America/Sao_Paulo';
  const goRun = (startedBy: string = U.qa) => insertRun(h.core.pool, { checkpointId: 'cp2', decision: 'GO', kind: 'go', outcome: 'go', startedBy });

  const rolesFile = writeRolesVariant();

  beforeAll(async () => {
    h = await startHarness({ rolesFile, usergroups: { [DBA_GROUP]: [U.groupDba] }, worker: false });
    channel = h.fake.identity.channel.id;
  });
  afterAll(async () => {
    await h?.close();
    rmSync(dirname(rolesFile), { recursive: true, force: true });
  });

  it('with no run yet, says so and how to start one', async () => {
    const ack = await h.command('cp4 signoff', U.pm);
    const text = (ack.json as { text: string }).text;
    expect(text).toContain('has no run yet');
    expect(text).toContain('`/golive cp4 run`');
    expect(h.fake.messages(channel)).toHaveLength(0);
  });

  it('a holder of the role signs: recorded with user, role, time, run and digest, and the card updates in place', async () => {
    const run = await goRun();
    const card = await postCard(h, 'cp2', run.id);
    expect(blocksText(card)).toContain('signoff_sign_dba');
    expect(card.text).toContain('0/6 signed');

    const answer = await click(h, U.dba, card, 'signoff_sign_dba');
    expect(answer).toContain(`You signed cp2 run #${run.number} as Database Administrator`);
    expect(await liveSignoffs(h.core.pool, run.id)).toEqual([{ role: 'dba', user_id: U.dba, evidence_digest: run.evidenceDigest }]);

    const updated = await cardOf(h, 'cp2', run.id);
    expect(updated.ts).toBe(card.ts);
    expect(updated.updated).toBeGreaterThan(0);
    expect(blocksText(updated)).toMatch(new RegExp(`✅ \\*Database Administrator\\* <@${U.dba}> \\d\\d:\\d\\d ${zone}`));
    expect(blocksText(updated)).not.toContain('signoff_sign_dba');
    expect(blocksText(updated)).toContain('signoff_withdraw_dba');
    expect(updated.text).toContain('1/6 signed');
    const audit = await auditActions(h.core.pool, run.id);
    expect(audit).toContainEqual(expect.objectContaining({ action: 'signoff.signed', actor: U.dba, details: expect.objectContaining({ role: 'dba', evidenceDigest: run.evidenceDigest }) }));
  });

  it('refuses a non-holder, naming the role and who holds it, and audits the refusal', async () => {
    const run = await goRun();
    const card = await postCard(h, 'cp2', run.id);
    const answer = await click(h, U.app, card, 'signoff_sign_infra');
    expect(answer).toContain('Only a holder of Infrastructure Team can sign this');
    expect(answer).toContain(`<@${U.infra}>`);
    expect(answer).toContain('You hold Application Team Lead');
    expect(await liveSignoffs(h.core.pool, run.id)).toEqual([]);
    expect(await auditActions(h.core.pool, run.id)).toContainEqual(
      expect.objectContaining({ action: 'signoff.refused', actor: U.app, details: expect.objectContaining({ role: 'infra', reason: 'not_role_holder' }) }),
    );
  });

  it("lets a member of the role's user group sign", async () => {
    const run = await goRun();
    const card = await postCard(h, 'cp2', run.id);
    const answer = await click(h, U.groupDba, card, 'signoff_sign_dba');
    expect(answer).toContain('as Database Administrator');
    expect(await liveSignoffs(h.core.pool, run.id)).toEqual([{ role: 'dba', user_id: U.groupDba, evidence_digest: run.evidenceDigest }]);
    expect(h.fake.calls.some((c) => c.method === 'usergroups.users.list' && c.args.usergroup === DBA_GROUP)).toBe(true);
  });

  it('four eyes: one person signs one role of a run', async () => {
    const run = await goRun();
    const card = await postCard(h, 'cp2', run.id);
    expect(await click(h, U.multi, card, 'signoff_sign_dba')).toContain('as Database Administrator');
    const refused = await click(h, U.multi, await cardOf(h, 'cp2', run.id), 'signoff_sign_infra');
    expect(refused).toContain('four eyes');
    expect(await click(h, U.infra, await cardOf(h, 'cp2', run.id), 'signoff_sign_infra')).toContain('as Infrastructure Team');
    expect((await liveSignoffs(h.core.pool, run.id)).map((s) => [s.role, s.user_id])).toEqual([
      ['dba', U.multi],
      ['infra', U.infra],
    ]);
    expect(await auditActions(h.core.pool, run.id)).toContainEqual(expect.objectContaining({ action: 'signoff.refused', actor: U.multi, details: expect.objectContaining({ reason: 'four_eyes' }) }));
  });

  it('a double click and a retried delivery record one sign-off', async () => {
    const run = await goRun();
    const card = await postCard(h, 'cp2', run.id);
    // Both clicks on the card as first shown: the second is the double click.
    const first = await click(h, U.dba, card, 'signoff_sign_dba');
    const second = await action(h, U.dba, card, 'signoff_sign_dba', { run: run.id, role: 'dba' });
    expect(first).toContain('You signed');
    expect(second).toContain('You already signed');

    // Slack retrying one delivery: same payload, same trigger_id, X-Slack-Retry-Num.
    const value = JSON.stringify({ run: run.id, role: 'infra' });
    const before = apiEphemeralCount(h, U.infra);
    await h.fake.sendBlockAction({ userId: U.infra, message: card, actionId: 'signoff_sign_infra', value, triggerId: 'trigger-retried-1' });
    await h.fake.waitFor(() => ephemeralsSince(h, U.infra, before)[0], { description: 'the answer to the first delivery' });
    const retry = await h.fake.sendBlockAction({ userId: U.infra, message: card, actionId: 'signoff_sign_infra', value, triggerId: 'trigger-retried-1', retryNum: 1, retryReason: 'http_timeout' });
    expect(retry.status).toBe(200);
    // The redelivery was recognised before its ack: no second answer, no second row.
    expect(ephemeralsSince(h, U.infra, before)).toHaveLength(1);
    const rows = await allSignoffs(h.core.pool, run.id);
    expect(rows.map((r) => r.role).sort()).toEqual(['dba', 'infra']);
  });

  it('concurrent clicks on one role record one sign-off', async () => {
    const run = await goRun();
    const card = await postCard(h, 'cp2', run.id);
    const clickers = [U.dba, U.dba, U.dba, U.groupDba, U.groupDba, U.multi];
    const before = new Map(clickers.map((u) => [u, apiEphemeralCount(h, u)]));
    await Promise.all(clickers.map((userId) => h.fake.clickButton({ userId, channel: card.channel, ts: card.ts, actionId: 'signoff_sign_dba' })));
    const answers = await h.fake.waitFor(
      () => {
        const all = [...new Set(clickers)].flatMap((u) => ephemeralsSince(h, u, before.get(u)!));
        return all.length === clickers.length && all;
      },
      { description: 'an answer to every click' },
    );
    expect(answers.filter((a) => a.text.includes('You signed'))).toHaveLength(1);
    expect(answers.filter((a) => /already signed/.test(a.text))).toHaveLength(clickers.length - 1);
    const rows = await allSignoffs(h.core.pool, run.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.role).toBe('dba');
  });

  it('withdraw by the signer only, then sign again', async () => {
    const run = await goRun();
    const card = await postCard(h, 'cp2', run.id);
    await click(h, U.dba, card, 'signoff_sign_dba');
    const [signed] = await allSignoffs(h.core.pool, run.id);

    expect(await click(h, U.infra, await cardOf(h, 'cp2', run.id), 'signoff_withdraw_dba')).toContain(`Only <@${U.dba}> can withdraw`);
    expect(await click(h, U.dba, await cardOf(h, 'cp2', run.id), 'signoff_withdraw_dba')).toContain('You withdrew your Database Administrator sign-off');
    const afterWithdraw = await cardOf(h, 'cp2', run.id);
    expect(blocksText(afterWithdraw)).toContain('signoff_sign_dba');
    // The old Withdraw button, clicked again.
    expect(await action(h, U.dba, afterWithdraw, 'signoff_withdraw_dba', { signoff: Number(signed!.id) })).toContain('already withdrawn');

    expect(await click(h, U.dba, afterWithdraw, 'signoff_sign_dba')).toContain('You signed');
    const rows = await allSignoffs(h.core.pool, run.id);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ user_id: U.dba, withdrawn_by: U.dba });
    expect(rows[0]!.withdrawn_at).toBeInstanceOf(Date);
    expect(rows[1]).toMatchObject({ user_id: U.dba, withdrawn_at: null });
    const actions = (await auditActions(h.core.pool, run.id)).map((a) => a.action);
    expect(actions.filter((a) => a === 'signoff.signed')).toHaveLength(2);
    expect(actions).toContain('signoff.withdrawn');
  });

  it('a newer run makes older sign-offs stale; the old card says so and refuses clicks', async () => {
    const older = await goRun();
    const oldCard = await postCard(h, 'cp2', older.id);
    await click(h, U.dba, oldCard, 'signoff_sign_dba');
    const newer = await goRun();
    const newCard = await postCard(h, 'cp2', newer.id);
    expect(blocksText(newCard)).toContain(`stale: Database Administrator <@${U.dba}> signed run #${older.number}`);
    expect(blocksText(newCard)).toContain('signoff_sign_dba');
    expect(newCard.text).toContain('0/6 signed');

    const superseded = h.fake.messages(channel).find((m) => m.ts === oldCard.ts)!;
    expect(blocksText(superseded)).toContain('Superseded');
    expect(blocksText(superseded)).not.toContain('signoff_sign_');
    const answer = await action(h, U.infra, oldCard, 'signoff_sign_infra', { run: older.id, role: 'infra' });
    expect(answer).toContain(`run #${newer.number} is newer`);
    expect(await liveSignoffs(h.core.pool, older.id)).toHaveLength(1);
  });

  it('opens the gate only with every role signed on the latest GO run, and announces it once', async () => {
    const announcements = () => h.fake.messages(channel).filter((m) => m.text.includes('passed its gate'));
    const manual = ['alert_rules', 'backup_monitoring'];
    const first = await insertRun(h.core.pool, { checkpointId: 'cp1', decision: 'PASS', kind: 'go', outcome: 'pass', startedBy: U.dba });
    await attest(h.core.pool, first.id, manual);
    const firstCard = await postCard(h, 'cp1', first.id);
    await click(h, U.dba, firstCard, 'signoff_sign_dba');
    await click(h, U.infra, await cardOf(h, 'cp1', first.id), 'signoff_sign_infra');

    const latest = await insertRun(h.core.pool, { checkpointId: 'cp1', decision: 'PASS', kind: 'go', outcome: 'pass', startedBy: U.dba });
    await attest(h.core.pool, latest.id, manual);
    const card = await postCard(h, 'cp1', latest.id);
    // The PM's sign-off on the latest run, with DBA and Infra only on the older one: closed.
    await click(h, U.pm, card, 'signoff_sign_pm');
    expect(blocksText(await cardOf(h, 'cp1', latest.id))).toContain('Gate to CP2');
    expect(announcements()).toHaveLength(0);
    await click(h, U.dba, await cardOf(h, 'cp1', latest.id), 'signoff_sign_dba');
    expect(announcements()).toHaveLength(0);
    await click(h, U.infra, await cardOf(h, 'cp1', latest.id), 'signoff_sign_infra');

    const [announcement] = await h.fake.waitFor(() => announcements().length > 0 && announcements());
    const start = h.core.plans.momentContext('demo').start!;
    const cp2Start = new Date(start.getTime() + 30 * 60_000);
    expect(announcement!.text).toContain(`Next: cp2 Staging sign-off at ${formatLocal(cp2Start, zone, true)}`);
    expect(blocksText(announcement!)).toContain(zone);
    expect(blocksText(await cardOf(h, 'cp1', latest.id))).toContain('Gate open');
    const opening = await h.core.store.gates.get('demo', 'cp1');
    expect(opening).toMatchObject({ runId: latest.id, nextCheckpointId: 'cp2', evidenceDigest: latest.evidenceDigest, openedBy: U.infra });
    expect(opening!.nextAt?.getTime()).toBe(cp2Start.getTime());
    expect((await auditActions(h.core.pool, latest.id)).map((a) => a.action)).toContain('gate.opened');

    // Asking for the card again, withdrawing and signing again: still one announcement.
    await postCard(h, 'cp1', latest.id);
    await click(h, U.pm, await cardOf(h, 'cp1', latest.id), 'signoff_withdraw_pm');
    await click(h, U.pm, await cardOf(h, 'cp1', latest.id), 'signoff_sign_pm');
    expect(announcements()).toHaveLength(1);
  });

  it('CONDITIONAL: a modal records an owner and a mitigation per failed criterion and the re-test deadline, and keeps the gate closed', async () => {
    const finishedAt = new Date();
    const run = await insertRun(h.core.pool, {
      checkpointId: 'cp2', decision: 'CONDITIONAL GO', kind: 'conditional', outcome: 'conditional_go', failed: ['query_performance', 'index_health'], finishedAt,
    });
    const card = await postCard(h, 'cp2', run.id);
    expect(blocksText(card)).toContain('signoff_mitigations');
    expect(blocksText(card)).not.toContain('signoff_sign_');
    const notice = h.fake.messages(channel).find((m) => m.text.includes(`cp2 run #${run.number}: CONDITIONAL GO`));
    expect(notice && blocksText(notice)).toContain('Re-test the failed areas by');

    // Recording mitigations is for the roles the plan allows `signoff`.
    expect(await click(h, U.architect, card, 'signoff_mitigations')).toContain('only');
    expect(await auditActions(h.core.pool, run.id)).toContainEqual(expect.objectContaining({ action: 'permission.refused', actor: U.architect }));

    const viewsBefore = h.fake.views.length;
    await h.fake.clickButton({ userId: U.dba, channel: card.channel, ts: card.ts, actionId: 'signoff_mitigations' });
    const modal = await h.fake.waitFor(() => h.fake.views.slice(viewsBefore).find((v) => v.open && v.userId === U.dba), { description: 'the mitigations modal' });
    expect(modal.view.callback_id).toBe('signoff_mitigations');
    const blockIds = (modal.view.blocks as { block_id: string }[]).map((b) => b.block_id);
    expect(blockIds).toEqual(expect.arrayContaining(['mit_owner_query_performance', 'mit_text_query_performance', 'mit_owner_index_health', 'mit_text_index_health']));

    const invalid = await h.fake.submitView({
      userId: U.dba,
      viewId: modal.id,
      values: { mit_text_query_performance: { mitigation: 'tune' }, mit_owner_index_health: { owner: U.dba }, mit_text_index_health: { mitigation: 'Rebuild the GIST index concurrently' } },
    });
    expect(invalid.json).toMatchObject({ response_action: 'errors' });
    expect(Object.keys((invalid.json as { errors: Record<string, string> }).errors).sort()).toEqual(['mit_owner_query_performance', 'mit_text_query_performance']);
    expect(invalid.view.open).toBe(true);
    expect(await h.core.store.mitigations.forRun(run.id)).toEqual([]);

    const valid = await h.fake.submitView({
      userId: U.dba,
      viewId: modal.id,
      values: {
        mit_owner_query_performance: { owner: U.app },
        mit_text_query_performance: { mitigation: 'Add the missing partial index and re-run Q2' },
        mit_owner_index_health: { owner: U.dba },
        mit_text_index_health: { mitigation: 'Rebuild the GIST index concurrently' },
      },
    });
    expect(valid.status).toBe(200);
    expect(valid.view.open).toBe(false);
    const stored = await h.core.store.mitigations.forRun(run.id);
    expect(stored.map((m) => [m.criterionId, m.owner, m.mitigation])).toEqual([
      ['index_health', U.dba, 'Rebuild the GIST index concurrently'],
      ['query_performance', U.app, 'Add the missing partial index and re-run Q2'],
    ]);
    const expectedDeadline = new Date(finishedAt.getTime() + 24 * 3_600_000);
    expect(stored.every((m) => Math.abs(m.retestDeadline!.getTime() - expectedDeadline.getTime()) < 1000)).toBe(true);
    await h.fake.waitFor(() => h.fake.messages(channel).some((m) => m.text.includes(`Mitigations recorded for DEMO CP2 run #${run.number}`)), { description: 'the mitigations post' });
    await h.fake.waitFor(async () => blocksText(await cardOf(h, 'cp2', run.id)).includes(`owner <@${U.app}>`), { description: 'the card showing the mitigations' });
    expect(await h.core.store.gates.get('demo', 'cp2')).toBeUndefined();
    expect((await auditActions(h.core.pool, run.id)).map((a) => a.action)).toContain('mitigations.recorded');
  });

  it("NO-GO / HOLD posts the plan's action items and the rescheduled dates in the plan's zone", async () => {
    const finishedAt = new Date('2026-02-07T14:00:00Z');
    const run = await insertRun(h.core.pool, { checkpointId: 'cp1', decision: 'HOLD', kind: 'nogo', outcome: 'hold', failed: ['connectivity'], finishedAt });
    const card = await postCard(h, 'cp1', run.id);
    expect(blocksText(card)).not.toContain('signoff_sign_');
    const notice = h.fake.messages(channel).find((m) => m.text.includes(`cp1 run #${run.number}: HOLD`))!;
    const text = blocksText(notice);
    expect(text).toContain('Hold staging deployment (24 hours)');
    expect(text).toContain(`+1d → *${formatLocal(new Date('2026-02-08T14:00:00Z'), zone, false)}*`);
    expect(text).toContain(`+7d → *${formatLocal(new Date('2026-02-14T14:00:00Z'), zone, false)}*`);
    expect(text).toContain(zone);
    // Asked again: the same notice, not a second one.
    await postCard(h, 'cp1', run.id);
    expect(h.fake.messages(channel).filter((m) => m.text.includes(`cp1 run #${run.number}: HOLD`))).toHaveLength(1);
  });

  it('cp3: the pre-cutover PROCEED cannot be signed; the cutover record (COMPLETE) can', async () => {
    const proceed = await insertRun(h.core.pool, { checkpointId: 'cp3', decision: 'PROCEED', kind: 'go', outcome: 'proceed', phase: 'pre_cutover' });
    const card = await postCard(h, 'cp3', proceed.id);
    expect(blocksText(card)).not.toContain('signoff_sign_');
    expect(await action(h, U.dba, card, 'signoff_sign_dba', { run: proceed.id, role: 'dba' })).toContain('decided PROCEED');
    const complete = await insertRun(h.core.pool, { checkpointId: 'cp3', decision: 'COMPLETE', kind: 'go', outcome: 'complete', phase: 'validation' });
    const completeCard = await postCard(h, 'cp3', complete.id);
    expect(blocksText(completeCard)).toContain('signoff_sign_oncall_lead');
    expect(await click(h, U.oncall, completeCard, 'signoff_sign_oncall_lead')).toContain('as On-call Lead');
  });

  it('plain answers for a forged value and for a plan no longer loaded', async () => {
    const run = await goRun();
    const card = await postCard(h, 'cp2', run.id);
    expect(await action(h, U.dba, card, 'signoff_sign_dba', { run: run.id, role: 'cto_of_everything' })).toContain('needs no sign-off from the role');
    expect(await action(h, U.dba, card, 'signoff_sign_dba', 'not an object')).toContain('does not recognise this button');
    const gone = await insertRun(h.core.pool, { planId: 'opt0', checkpointId: 'cp2', decision: 'GO', kind: 'go', outcome: 'go' });
    expect(await action(h, U.dba, card, 'signoff_sign_dba', { run: gone.id, role: 'dba' })).toContain('Plan opt0 is no longer loaded');
    expect(await liveSignoffs(h.core.pool, gone.id)).toEqual([]);
  });
});
