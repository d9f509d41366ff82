import { randomBytes } from 'node:crypto';
import { cp as copyDir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import type { Pool } from '../../../src/db/pool.js';
import { cutoverMessageKey } from '../../../src/cutover/deps.js';
import type { CutoverRecord } from '../../../src/store/cutovers.js';
import type { FakeMessage } from '../../../src/slack/fake/slack-fake.js';
import { gateDecisionSpec } from '../../../src/signoff/evidence.js';
import { manualChecksForGate } from '../../../src/signoff/gate.js';
import { findCheckpoint, type Plan } from '../../../src/plan/schema.js';
import { startHarness, type Harness } from '../../support/harness.js';
import type { Clock } from '../../../src/clock.js';
import { createDemoTestDatabase, type DemoTestDatabase } from '../demo/support.js';

/** The people of roles.example.yaml, one per role. */
export const PEOPLE: Record<string, string> = {
  dba: 'U0DBA0001',
  infra: 'U0INF0001',
  app_lead: 'U0APP0001',
  qa_lead: 'U0QAL0001',
  pm: 'U0PMG0001',
  cto: 'U0CTO0001',
  oncall_lead: 'U0ONC0001',
  tech_lead: 'U0TEC0001',
  db_architect: 'U0ARC0001',
};
export const DBA = PEOPLE.dba!;

export interface CutoverPlanFiles {
  dir: string;
  file: string;
  remove(): Promise<void>;
}

type Doc = Record<string, any>;

export interface CutoverPlanOptions {
  /** Rewrite the partitioning migration file (a slow or broken step). */
  partitioning?: (sql: string) => string;
  /** Change the parsed plan before it is written. */
  mutate?: (doc: Doc) => void;
}

/**
 * plans/demo.yaml and its SQL copied to a temporary directory. cp3's
 * validation keeps what is meaningful on the 20,000-row test databases
 * (integrity and indexes); the query timings (which need a production
 * baseline) and the HTTP probe of golive's own /healthz (the harness
 * listens on a random port) are replaced by a connectivity check.
 */
export async function writeCutoverPlan(options: CutoverPlanOptions = {}): Promise<CutoverPlanFiles> {
  const dir = await mkdtemp(path.join(tmpdir(), 'golive-cutover-'));
  await copyDir(path.resolve('plans/opt1'), path.join(dir, 'opt1'), { recursive: true });
  if (options.partitioning) {
    const file = path.join(dir, 'opt1', '1770470100_temporal_partitioning_geometrias.sql');
    await writeFile(file, options.partitioning(await readFile(file, 'utf8')));
  }
  const doc = parse(await readFile('plans/demo.yaml', 'utf8')) as Doc;
  const cp3 = (doc.checkpoints as Doc[]).find((c) => c.id === 'cp3')!;
  cp3.criteria = (cp3.criteria as Doc[]).filter((c) => c.id !== 'val_performance');
  const app = (cp3.criteria as Doc[]).find((c) => c.id === 'val_app_connectivity');
  if (app) app.checks = [{ id: 'app_connectivity', title: 'Application connectivity (database)', source: 'Application connectivity test: PASS', type: 'connectivity', params: { timeout: '10s' } }];
  options.mutate?.(doc);
  const file = path.join(dir, 'demo.yaml');
  await writeFile(file, stringify(doc, { aliasDuplicateObjects: false }));
  return { dir, file, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Insert `sql` as the first statement of a step's body. */
export function insertIntoStep(text: string, step: string, sql: string): string {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`-- golive:step name=${step}`));
  if (start < 0) throw new Error(`no step ${step}`);
  let at = start + 1;
  while (lines[at]?.startsWith('-- golive:+')) at++;
  lines.splice(at, 0, '', sql);
  return lines.join('\n');
}

/**
 * The checkpoint before the cutover (cp2) through its gate, written into the
 * state DB: a GO run signed by every required role (one person each), its
 * manual checks attested. The gate logic itself is the sign-off feature's.
 */
export async function openGateBefore(pool: Pool, plan: Plan, checkpointId = 'cp2'): Promise<number> {
  const cp = findCheckpoint(plan, checkpointId)!;
  const spec = gateDecisionSpec(cp);
  const go = spec.outcomes.find((o) => o.kind === 'go')!;
  const digest = randomBytes(32).toString('hex');
  const { rows } = await pool.query(
    `INSERT INTO runs (plan_id, checkpoint_id, number, environment, status, decision, decision_kind, decision_detail, evidence_digest, started_by, finished_at)
     VALUES ($1, $2, (SELECT coalesce(max(number), 0) + 1 FROM runs WHERE plan_id = $1 AND checkpoint_id = $2), $3, 'complete', $4, 'go', $5, $6, $7, now()) RETURNING id`,
    [plan.id, cp.id, cp.environment, go.label, JSON.stringify({ phase: spec.phase, outcome: go.id, failed_criteria: [] }), digest, PEOPLE.qa_lead],
  );
  const runId = Number(rows[0].id);
  for (const s of cp.signoffs) {
    await pool.query(`INSERT INTO signoffs (plan_id, checkpoint_id, run_id, role, user_id, evidence_digest) VALUES ($1, $2, $3, $4, $5, $6)`, [plan.id, cp.id, runId, s.role, PEOPLE[s.role], digest]);
  }
  // The documents the checkpoint requires, as `/golive cp2 report` records them.
  for (const d of cp.documents) {
    await pool.query(
      `INSERT INTO reports (run_id, plan_id, checkpoint_id, document_id, title, kind, sha256, file_id, filename, generated_by, generated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now())`,
      [runId, plan.id, cp.id, d.id, d.title, d.generated ? 'generated' : 'template', randomBytes(32).toString('hex'), `F${d.id}`, `${d.id}.md`, DBA],
    );
  }
  for (const k of manualChecksForGate(cp)) {
    await pool.query(`INSERT INTO attestations (run_id, check_id, role, user_id) VALUES ($1, $2, 'dba', $3)`, [runId, k.checkId, DBA]);
  }
  return runId;
}

/** A pre-cutover PROCEED of cp3 written into the state DB (the timeline itself is tested on its own). */
export async function insertProceed(pool: Pool, planId = 'demo'): Promise<number> {
  const { rows } = await pool.query(
    `INSERT INTO runs (plan_id, checkpoint_id, number, environment, status, decision, decision_kind, decision_detail, evidence_digest, started_by, finished_at)
     VALUES ($1, 'cp3', (SELECT coalesce(max(number), 0) + 1 FROM runs WHERE plan_id = $1 AND checkpoint_id = 'cp3'), 'production', 'complete', 'PROCEED', 'go', $2, $3, 'golive', now())
     RETURNING id`,
    [planId, JSON.stringify({ phase: 'pre_cutover', outcome: 'proceed', failed_criteria: [] }), randomBytes(32).toString('hex')],
  );
  return Number(rows[0].id);
}

export function ackText(ack: { json?: unknown; text: string }): string {
  return (ack.json as { text?: string } | undefined)?.text ?? ack.text;
}

export function blocksText(message: { blocks?: unknown[] | undefined; text: string }): string {
  return `${message.text}\n${JSON.stringify(message.blocks ?? [])}`;
}

/** The answer golive sent `userId` (ephemeral, via the Web API) after `before` of them. */
export async function answerTo(h: Harness, userId: string, before: number): Promise<string> {
  const e = await h.fake.waitFor(() => h.fake.ephemerals(userId).filter((x) => x.via === 'api')[before], { timeoutMs: 20_000, description: `an answer to ${userId}` });
  return e.text;
}

/** Click a button of a channel message as `userId` and return golive's ephemeral answer. */
export async function click(h: Harness, userId: string, message: FakeMessage, actionId: string): Promise<string> {
  const before = h.fake.ephemerals(userId).filter((x) => x.via === 'api').length;
  const result = await h.fake.clickButton({ userId, channel: message.channel, ts: message.ts, actionId });
  if (result.status !== 200) throw new Error(`click answered ${result.status}: ${result.text}`);
  return answerTo(h, userId, before);
}

/** `/golive cp3 <verb>` as the DBA, then the DBA's click on the confirmation card; returns the cutover. */
export async function startAndConfirm(h: Harness, verb: 'start' | 'rehearse' | 'rollback' = 'start', userId = DBA): Promise<CutoverRecord> {
  const ack = await h.command(`cp3 ${verb}`, userId);
  const text = ackText(ack);
  if (!text.startsWith('Posted the confirmation card')) throw new Error(`not posted: ${text}`);
  const card = await h.fake.waitFor(() => h.fake.messages().findLast((m) => /waiting for a Database Administrator to confirm/.test(m.text)), { description: 'the confirmation card' });
  const answer = await click(h, userId, card, 'cutover-confirm');
  if (!answer.startsWith('Confirmed')) throw new Error(`not confirmed: ${answer}`);
  const id = Number(/#(\d+)/.exec(card.text)?.[1]);
  return (await h.core.store.cutovers.get(id))!;
}

/** The cutover's one live message as the fake shows it now. */
export async function liveMessage(h: Harness, cutoverId: number): Promise<FakeMessage | undefined> {
  const saved = await h.core.store.messages.get(cutoverMessageKey(cutoverId));
  return saved?.ts ? h.fake.messages(saved.channelId).find((m) => m.ts === saved.ts) : undefined;
}

/**
 * Plays the application team and the infrastructure team: every manual item
 * the cutover reaches is confirmed with its button by the role's holder.
 * Returns a stop function.
 */
export function autoConfirmItems(h: Harness, cutoverId: number): () => void {
  let stopped = false;
  void (async () => {
    while (!stopped) {
      try {
        const { rows } = await h.core.pool.query(`SELECT phase, item_index, role FROM cutover_items WHERE cutover_id = $1 AND confirmed_at IS NULL`, [cutoverId]);
        for (const row of rows) {
          const message = await liveMessage(h, cutoverId);
          const actionId = `cutover-item-${row.phase}-${row.item_index}`;
          if (!message || !JSON.stringify(message.blocks).includes(actionId)) continue;
          await h.fake.clickButton({ userId: PEOPLE[row.role as string] ?? DBA, channel: message.channel, ts: message.ts, actionId });
        }
      } catch {
        // The harness may be closing.
      }
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  })();
  return () => {
    stopped = true;
  };
}

export async function waitForStatus(h: Harness, cutoverId: number, statuses: string[], timeoutMs = 90_000): Promise<CutoverRecord> {
  return h.fake.waitFor(
    async () => {
      const c = await h.core.store.cutovers.get(cutoverId);
      return c && statuses.includes(c.status) ? c : undefined;
    },
    { timeoutMs, intervalMs: 200, description: `cutover ${cutoverId} in ${statuses.join('/')}` },
  );
}

/** The step runner's record of a cutover's executions: file, status, and each step's status. */
export async function executionsOf(pool: Pool, cutoverId: number): Promise<{ id: number; file: string; purpose: string; status: string; steps: [string, string][] }[]> {
  const { rows } = await pool.query(`SELECT execution_ids, rollback_execution_id FROM cutovers WHERE id = $1`, [cutoverId]);
  const ids = [...(rows[0].execution_ids as string[]).map(Number), ...(rows[0].rollback_execution_id ? [Number(rows[0].rollback_execution_id)] : [])];
  const out = [];
  for (const id of ids) {
    const e = (await pool.query(`SELECT id, file, purpose, status FROM migration_executions WHERE id = $1`, [id])).rows[0];
    const steps = (await pool.query(`SELECT step_name, status FROM migration_steps WHERE execution_id = $1 ORDER BY ordinal`, [id])).rows.map((r) => [r.step_name, r.status] as [string, string]);
    out.push({ id: Number(e.id), file: path.basename(e.file), purpose: e.purpose, status: e.status, steps });
  }
  return out;
}

export interface CutoverBed {
  h: Harness;
  prod: DemoTestDatabase;
  staging: DemoTestDatabase;
  close(): Promise<void>;
}

/**
 * golive on a cutover plan, with a production and a staging copy of the demo
 * test template (staging doubles as shadow), on the test's clock.
 */
export async function startCutoverBed(plan: CutoverPlanFiles, label: string, clock: Clock): Promise<CutoverBed> {
  const prod = await createDemoTestDatabase(`${label}prod`);
  const staging = await createDemoTestDatabase(`${label}stg`);
  const h = await startHarness({ planFiles: [plan.file], environments: { shadow: staging.url, staging: staging.url, production: prod.url }, clock });
  return {
    h,
    prod,
    staging,
    async close() {
      await h.close();
      await prod.drop();
      await staging.drop();
      await plan.remove();
    },
  };
}
