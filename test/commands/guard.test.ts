import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { permissionOf } from '../../commands/guard.js';
import { parseCommand } from '../../commands/parse.js';
import { startHarness, type Harness } from '../support/harness.js';

const DBA = 'U0DBA0001';
const APP = 'U0APP0001';
const PM = 'U0PMG0001';

/**
 * Every command is audited at the router; commands that change things are
 * refused (ephemerally, and audited) to anyone without a role the plan names.
 */
describe('the command guard', () => {
  let h: Harness;
  const ackText = (ack: { json?: unknown; text: string }) => (ack.json as { text?: string } | undefined)?.text ?? ack.text;
  const audit = async (actor: string) =>
    (await h.core.pool.query(`SELECT action, plan_id, checkpoint_id, details FROM audit_log WHERE actor = $1 ORDER BY id`, [actor])).rows as {
      action: string;
      plan_id: string | null;
      checkpoint_id: string | null;
      details: Record<string, unknown>;
    }[];

  beforeAll(async () => {
    h = await startHarness({ worker: false });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('refuses cp3 abort to someone without the role, naming who may, and audits command and refusal', async () => {
    const ack = await h.command('cp3 abort', APP);
    expect(ack.status).toBe(200);
    expect((ack.json as { response_type: string }).response_type).toBe('ephemeral');
    expect(ackText(ack)).toMatch(/only Database Administrator \(<@U0DBA0001>\), CTO \(<@U0CTO0001>\) may `abort` at cp3/);
    expect(await audit(APP)).toEqual([
      { action: 'command', plan_id: 'demo', checkpoint_id: 'cp3', details: expect.objectContaining({ verb: 'cp3 abort', text: 'cp3 abort' }) },
      { action: 'permission.refused', plan_id: 'demo', checkpoint_id: 'cp3', details: expect.objectContaining({ command: 'abort', needed: ['dba', 'cto'] }) },
    ]);
  });

  it('refuses the other commands that change things by the plan (with per-checkpoint overrides)', async () => {
    expect(ackText(await h.command('cp1 run', PM))).toMatch(/may `run` at cp1/);
    expect(ackText(await h.command('baseline capture staging', APP))).toMatch(/may `baseline`/);
    expect(ackText(await h.command('incident resolve 4', APP))).toMatch(/may `incident_resolve`/);
    expect(ackText(await h.command('cp2 migrate', APP))).toMatch(/may `migrate` at cp2/);
    const refusals = (await h.core.pool.query(`SELECT details->>'command' AS command FROM audit_log WHERE action = 'permission.refused' ORDER BY id`)).rows.map((r) => r.command);
    expect(refusals).toEqual(['abort', 'run', 'baseline', 'incident_resolve', 'migrate']);
  });

  it('lets a holder through to the handler, and audits read-only and unparsable commands too', async () => {
    expect(ackText(await h.command('cp3 abort', DBA))).not.toMatch(/may `abort`/);
    await h.command('help', PM);
    await h.command('cp9 nonsense', PM);
    // The unparsable command is on record at once; the read-only one with the next batch (within 200 ms).
    const mine = await h.fake.waitFor(async () => {
      const entries = await audit(PM);
      return entries.some((e) => e.details.verb === 'help') ? entries : undefined;
    }, { timeoutMs: 5_000, description: 'the help command audited' });
    expect(mine.map((e) => e.details.verb)).toEqual(expect.arrayContaining(['help', 'unparsed']));
  });

  it('maps parsed commands to the plan permission they need', () => {
    const catalog = [{ id: 'demo', checkpoints: ['cp1', 'cp2', 'cp3'], environments: ['staging'], severities: ['SEV1'] }];
    const need = (text: string) => {
      const parsed = parseCommand(text, catalog);
      if (!parsed.ok) throw new Error(parsed.problem);
      return permissionOf(parsed.command);
    };
    expect(need('cp1 run')).toBe('run');
    expect(need('cp3 start')).toBe('start');
    expect(need('cp3 rollback')).toBe('rollback');
    expect(need('cp3 rehearse')).toBe('rehearse');
    expect(need('cp2 migrate')).toBe('migrate');
    expect(need('baseline capture staging')).toBe('baseline');
    expect(need('incident resolve 3')).toBe('incident_resolve');
    expect(need('incident SEV1 db slow')).toBe('incident_open');
    expect(need('cp2 signoff')).toBeUndefined();
    expect(need('cp2 status')).toBeUndefined();
    expect(need('audit cp2')).toBeUndefined();
    expect(need('status')).toBeUndefined();
  });
});
