import { AUDIT } from '../audit/actions.js';
import { formatLocal } from '../plan/time.js';
import { requirePermission } from '../require-permission.js';
import { escapeMrkdwn, section, type Block } from '../slack/views/blocks.js';
import {
  MITIGATION_MAX_CHARS,
  MITIGATION_MIN_CHARS,
  OWNER_ACTION,
  TEXT_ACTION,
  mitigationsModal,
  ownerBlockId,
  textBlockId,
} from '../slack/views/mitigations-modal.js';
import type { SignoffDeps } from './deps.js';
import { decidedAt, evidenceOfRun, retestDeadline, type RunEvidence } from './evidence.js';
import { loadTarget, parseJson, type ClickAnswer } from './sign.js';

/**
 * CONDITIONAL outcomes: "Record mitigations" opens a modal asking an owner and
 * a mitigation per failed criterion; submitting stores them with the re-test
 * deadline from the outcome's retest_within. It never opens the next
 * checkpoint. Who may record them: the roles the plan allows `signoff`.
 */

interface Checked {
  target: Exclude<Awaited<ReturnType<typeof loadTarget>>, ClickAnswer>;
  evidence: RunEvidence;
}

async function checkRun(deps: SignoffDeps, userId: string, runId: number): Promise<Checked | ClickAnswer> {
  const target = await loadTarget(deps, runId);
  if ('text' in target) return target;
  const { plan, cp, run } = target;
  const latest = await deps.store.runs.latest(plan.id, cp.id);
  if (latest && latest.id !== run.id) {
    return { text: `Run #${run.number} of ${cp.id} is superseded by run #${latest.number}; mitigations belong to the newest run.` };
  }
  const evidence = evidenceOfRun(cp, run, await deps.store.runs.results(run.id));
  if (evidence.kind !== 'conditional') return { text: `Run #${run.number} of ${cp.id} decided ${evidence.label}: mitigations are recorded for a CONDITIONAL outcome only.` };
  if (evidence.failedCriteria.length === 0) return { text: `Run #${run.number} of ${cp.id} lists no failed criteria, so there is nothing to mitigate.` };
  const refusal = await requirePermission(deps, { plan, command: 'signoff', userId, checkpointId: cp.id, runId: run.id, attempted: 'record mitigations' });
  if (refusal) return { text: refusal.text };
  return { target, evidence };
}

/** The button: opens the modal with the click's trigger_id, or answers why not. */
export async function openMitigationsClick(
  deps: SignoffDeps,
  input: { userId: string; channelId: string; triggerId: string; value: string | undefined },
): Promise<ClickAnswer | undefined> {
  const runId = parseJson(input.value)?.run;
  if (typeof runId !== 'number') return { text: 'golive does not recognise this button; post a fresh card with `/golive cpN signoff`.' };
  const checked = await checkRun(deps, input.userId, runId);
  if ('text' in checked) return checked;
  const { plan, cp, run } = checked.target;
  const existing = await deps.store.mitigations.forRun(run.id);
  const view = mitigationsModal({
    plan,
    checkpoint: cp,
    run,
    label: checked.evidence.label,
    failedCriteria: checked.evidence.failedCriteria,
    existing,
    retestDeadline: retestDeadline(checked.evidence.outcome, decidedAt(run)),
    channelId: input.channelId,
  });
  await deps.slack.client.views.open({ trigger_id: input.triggerId, view: view as never });
  return undefined;
}

type StateValues = Record<string, Record<string, { value?: string | null; selected_user?: string | null }>>;

export type SubmitResult =
  | { errors: Record<string, string> }
  | { ok: true; planId: string; checkpointId: string; channelId: string | undefined; announcement: { text: string; blocks: Block[] } };

/** The modal's submission: validated (errors go back into the modal), then stored and audited. */
export async function submitMitigations(
  deps: SignoffDeps,
  input: { userId: string; privateMetadata: string | undefined; values: StateValues; firstBlockId: string },
): Promise<SubmitResult> {
  const meta = parseJson(input.privateMetadata);
  const runId = meta?.run;
  const generalError = (text: string): SubmitResult => ({ errors: { [input.firstBlockId]: text.slice(0, 300) } });
  if (typeof runId !== 'number') return generalError('This form is not one golive recognises; open it again from the card.');
  const checked = await checkRun(deps, input.userId, runId);
  if ('text' in checked) return generalError(checked.text);
  const { plan, cp, run } = checked.target;

  const errors: Record<string, string> = {};
  const items = checked.evidence.failedCriteria.map((c) => {
    const owner = input.values[ownerBlockId(c.criterionId)]?.[OWNER_ACTION]?.selected_user ?? '';
    const mitigation = (input.values[textBlockId(c.criterionId)]?.[TEXT_ACTION]?.value ?? '').trim();
    if (!/^[UW][A-Z0-9]{2,}$/.test(owner)) errors[ownerBlockId(c.criterionId)] = `Pick the person who owns "${c.title}".`;
    if (mitigation.length < MITIGATION_MIN_CHARS) errors[textBlockId(c.criterionId)] = `Say what will be done about "${c.title}" (at least ${MITIGATION_MIN_CHARS} characters).`;
    else if (mitigation.length > MITIGATION_MAX_CHARS) errors[textBlockId(c.criterionId)] = `Keep it under ${MITIGATION_MAX_CHARS} characters.`;
    return { criterionId: c.criterionId, title: c.title, owner, mitigation };
  });
  if (Object.keys(errors).length > 0) return { errors };

  const deadline = retestDeadline(checked.evidence.outcome, decidedAt(run)) ?? null;
  const client = await deps.store.pool.connect();
  try {
    await client.query('BEGIN');
    await deps.store.mitigations.record({ runId: run.id, items, retestDeadline: deadline, by: input.userId, at: deps.clock.now() }, client);
    await deps.store.audit.append(
      {
        actor: input.userId,
        action: AUDIT.mitigationsRecorded,
        planId: plan.id,
        checkpointId: cp.id,
        runId: run.id,
        details: { runNumber: run.number, retestDeadline: deadline?.toISOString() ?? null, items: items.map(({ criterionId, owner, mitigation }) => ({ criterionId, owner, mitigation })) },
      },
      client,
    );
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }

  const lines = items.map((i) => `• ${escapeMrkdwn(i.title)}: owner <@${i.owner}> · ${escapeMrkdwn(i.mitigation)}`);
  const by = deadline ? `\nRe-test by *${formatLocal(deadline, plan.time_zone, true)}*.` : '';
  const text = `🟡 Mitigations recorded for ${plan.id.toUpperCase()} ${cp.id.toUpperCase()} run #${run.number} (${checked.evidence.label}) by <@${input.userId}>:\n${lines.join('\n')}${by}\nThe next checkpoint stays closed until a run decides GO and is signed.`;
  return {
    ok: true,
    planId: plan.id,
    checkpointId: cp.id,
    channelId: typeof meta?.channel === 'string' ? meta.channel : undefined,
    announcement: { text: text.slice(0, 3000), blocks: [section(text, 'mitigations-recorded')] },
  };
}
