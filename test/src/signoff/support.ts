import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { Pool } from '../../../src/db/pool.js';
import { signoffCardKey } from '../../../src/signoff/deps.js';
import type { FakeEphemeral, FakeMessage } from '../../../src/slack/fake/slack-fake.js';
import type { RunRecord } from '../../../src/store/runs.js';
import type { Harness } from '../../support/harness.js';

/** The people of roles.example.yaml, plus two the sign-off tests need. */
export const U = {
  dba: 'U0DBA0001',
  infra: 'U0INF0001',
  app: 'U0APP0001',
  qa: 'U0QAL0001',
  pm: 'U0PMG0001',
  cto: 'U0CTO0001',
  oncall: 'U0ONC0001',
  architect: 'U0ARC0001',
  /** In the DBA user group S0DBAS001 only (not listed under users). */
  groupDba: 'U0GRP0001',
  /** Holds dba and infra (and pm where a test says so). */
  multi: 'U0MULTI01',
} as const;
export const DBA_GROUP = 'S0DBAS001';

/** roles.example.yaml with the DBA user group and the multi-role person added. */
export function writeRolesVariant(options: { multiAlsoPm?: boolean } = {}): string {
  const doc = parse(readFileSync('roles.example.yaml', 'utf8')) as { roles: Record<string, { users: string[]; usergroups?: string[] }> };
  doc.roles.dba!.usergroups = [DBA_GROUP];
  doc.roles.dba!.users.push(U.multi);
  doc.roles.infra!.users.push(U.multi);
  if (options.multiAlsoPm) doc.roles.pm!.users.push(U.multi);
  const dir = mkdtempSync(join(tmpdir(), 'golive-signoff-'));
  const file = join(dir, 'roles.yaml');
  writeFileSync(file, stringify(doc));
  return file;
}

/** plans/demo.yaml with one text replacement (e.g. four eyes off). */
export function writePlanVariant(from: string, to: string): string {
  const text = readFileSync('plans/demo.yaml', 'utf8');
  if (!text.includes(from)) throw new Error(`plans/demo.yaml has no ${JSON.stringify(from)}`);
  const dir = mkdtempSync(join(tmpdir(), 'golive-signoff-plan-'));
  const file = join(dir, 'demo.yaml');
  writeFileSync(file, text.replace(from, to));
  return file;
}

export interface RunInput {
  planId?: string;
  checkpointId: string;
  decision: string;
  kind: string;
  outcome: string | null;
  phase?: string;
  failed?: string[];
  startedBy?: string;
  finishedAt?: Date;
  status?: string;
}

/** A finished run written straight into the state DB (the engine is not under test here). */
export async function insertRun(pool: Pool, input: RunInput): Promise<RunRecord & { evidenceDigest: string }> {
  const planId = input.planId ?? 'demo';
  const digest = randomBytes(32).toString('hex');
  const { rows } = await pool.query(
    `INSERT INTO runs (plan_id, checkpoint_id, number, environment, status, decision, decision_kind, decision_detail, evidence_digest, started_by, finished_at)
     VALUES ($1, $2, (SELECT coalesce(max(number), 0) + 1 FROM runs WHERE plan_id = $1 AND checkpoint_id = $2), 'staging', $3, $4, $5, $6, $7, $8, $9)
     RETURNING id, number, finished_at, started_at`,
    [
      planId,
      input.checkpointId,
      input.status ?? 'complete',
      input.decision,
      input.kind,
      JSON.stringify({ phase: input.phase ?? 'main', outcome: input.outcome, failed_criteria: input.failed ?? [] }),
      digest,
      input.startedBy ?? U.qa,
      input.finishedAt ?? new Date(),
    ],
  );
  const row = rows[0];
  return {
    id: Number(row.id),
    planId,
    checkpointId: input.checkpointId,
    number: row.number,
    environment: 'staging',
    status: 'complete',
    decision: input.decision,
    decisionKind: input.kind,
    decisionDetail: null,
    evidenceDigest: digest,
    startedBy: input.startedBy ?? U.qa,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    channelId: null,
    messageTs: null,
  };
}

export async function attest(pool: Pool, runId: number, checks: string[], userId: string = U.infra, role = 'infra'): Promise<void> {
  for (const check of checks) {
    await pool.query(`INSERT INTO attestations (run_id, check_id, role, user_id) VALUES ($1, $2, $3, $4)`, [runId, check, role, userId]);
  }
}

/** The sign-off card of a run as the fake shows it now. */
export async function cardOf(h: Harness, checkpointId: string, runId: number, planId = 'demo'): Promise<FakeMessage> {
  const saved = await h.core.store.messages.get(signoffCardKey(planId, checkpointId, runId));
  if (!saved?.ts) throw new Error(`no sign-off card recorded for ${checkpointId} run ${runId}`);
  const message = h.fake.messages(saved.channelId).find((m) => m.ts === saved.ts);
  if (!message) throw new Error(`the fake has no message ${saved.ts}`);
  return message;
}

/** `/golive <cp> signoff` and the card it posted. */
export async function postCard(h: Harness, checkpointId: string, runId: number, userId: string = U.pm): Promise<FakeMessage> {
  const ack = await h.command(`${checkpointId} signoff`, userId);
  const text = (ack.json as { text?: string } | undefined)?.text ?? ack.text;
  if (!text.startsWith('Posted the sign-off card')) throw new Error(`card not posted: ${text}`);
  return cardOf(h, checkpointId, runId);
}

/** The ephemerals a user received after `before` of them. */
export function ephemeralsSince(h: Harness, userId: string, before: number): FakeEphemeral[] {
  return h.fake.ephemerals(userId).filter((e) => e.via === 'api').slice(before);
}

export function apiEphemeralCount(h: Harness, userId: string): number {
  return h.fake.ephemerals(userId).filter((e) => e.via === 'api').length;
}

/** Click a button of a message and wait for golive's one-sentence answer to the clicker. */
export async function click(h: Harness, userId: string, message: { channel: string; ts: string }, actionId: string): Promise<string> {
  const before = apiEphemeralCount(h, userId);
  const result = await h.fake.clickButton({ userId, channel: message.channel, ts: message.ts, actionId });
  if (result.status !== 200) throw new Error(`click answered ${result.status}: ${result.text}`);
  const answer = await h.fake.waitFor(() => ephemeralsSince(h, userId, before)[0], { description: `golive's answer to ${userId} clicking ${actionId}` });
  return answer.text;
}

/** A block action with a given value (an old card, a forged value), answered to the clicker. */
export async function action(h: Harness, userId: string, message: { channel: string; ts: string }, actionId: string, value: unknown): Promise<string> {
  const before = apiEphemeralCount(h, userId);
  const result = await h.fake.sendBlockAction({ userId, message, actionId, value: JSON.stringify(value) });
  if (result.status !== 200) throw new Error(`action answered ${result.status}: ${result.text}`);
  const answer = await h.fake.waitFor(() => ephemeralsSince(h, userId, before)[0], { description: `golive's answer to ${userId} (${actionId})` });
  return answer.text;
}

export async function liveSignoffs(pool: Pool, runId: number): Promise<{ role: string; user_id: string; evidence_digest: string }[]> {
  const { rows } = await pool.query(`SELECT role, user_id, evidence_digest FROM signoffs WHERE run_id = $1 AND withdrawn_at IS NULL ORDER BY id`, [runId]);
  return rows;
}

export async function allSignoffs(pool: Pool, runId: number): Promise<{ id: string; role: string; user_id: string; withdrawn_at: Date | null; withdrawn_by: string | null }[]> {
  const { rows } = await pool.query(`SELECT id, role, user_id, withdrawn_at, withdrawn_by FROM signoffs WHERE run_id = $1 ORDER BY id`, [runId]);
  return rows;
}

export async function auditActions(pool: Pool, runId?: number): Promise<{ action: string; actor: string; details: Record<string, unknown> }[]> {
  const { rows } = await pool.query(
    `SELECT action, actor, details FROM audit_log WHERE ($1::bigint IS NULL OR run_id = $1) ORDER BY id`,
    [runId ?? null],
  );
  return rows;
}

export function blocksText(message: { blocks?: unknown[] | undefined; text: string }): string {
  return `${message.text}\n${JSON.stringify(message.blocks ?? [])}`;
}
