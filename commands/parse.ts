/**
 * The /golive grammar (DESIGN.md, "Contracts"). Pure: text in, a parsed command
 * or a usage problem out. Command text is only ever matched against known
 * words and ids; it never reaches SQL.
 */

export type CheckpointAction = 'status' | 'run' | 'signoff' | 'report' | 'start' | 'abort' | 'rollback' | 'rehearse' | 'migrate';

export type ParsedCommand =
  | { verb: 'help' }
  | { verb: 'ping' }
  | { verb: 'status'; planId: string }
  | { verb: 'checkpoint'; planId: string; checkpointId: string; action: CheckpointAction; environment?: string }
  | { verb: 'baseline'; planId: string; environment: string; replace: boolean }
  | { verb: 'briefing'; planId: string }
  | { verb: 'incident'; planId: string; severity: string; text: string }
  | { verb: 'incident-resolve'; planId: string; incidentId: number }
  | { verb: 'audit'; planId: string; checkpointId?: string };

export interface PlanCatalogEntry {
  id: string;
  checkpoints: string[];
  environments: string[];
  severities: string[];
}

export type ParseResult = { ok: true; command: ParsedCommand } | { ok: false; problem: string };

const CHECKPOINT_ACTIONS: Record<CheckpointAction, { only?: string; takesEnv?: boolean }> = {
  status: {},
  run: { takesEnv: true },
  signoff: {},
  report: {},
  start: { only: 'cp3' },
  abort: { only: 'cp3' },
  rollback: { only: 'cp3' },
  rehearse: { only: 'cp3' },
  migrate: { only: 'cp2' },
};

export function parseCommand(text: string, catalog: PlanCatalogEntry[]): ParseResult {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const first = words[0]?.toLowerCase();
  if (!first || first === 'help') return words.length <= 1 ? ok({ verb: 'help' }) : fail(`\`help\` takes no arguments`);
  if (first === 'ping') return words.length === 1 ? ok({ verb: 'ping' }) : fail('`ping` takes no arguments');

  // An optional plan id comes first.
  let plan = catalog.find((p) => p.id.toLowerCase() === first);
  let rest = words;
  if (plan) rest = words.slice(1);
  else if (catalog.length === 1) plan = catalog[0];
  else {
    const ids = catalog.map((p) => `\`${p.id}\``).join(', ');
    return fail(`several plans are loaded (${ids}): name one first, e.g. \`/golive ${catalog[0]?.id ?? 'PLAN'} ${words.join(' ')}\``);
  }
  if (!plan) return fail('no plan is loaded');

  const verb = rest[0]?.toLowerCase();
  const args = rest.slice(1);
  switch (verb) {
    case undefined:
      return fail(`say what to do with plan \`${plan.id}\`, e.g. \`/golive ${plan.id} status\``);
    case 'status':
      return args.length === 0 ? ok({ verb: 'status', planId: plan.id }) : fail('`status` takes no arguments (did you mean `cpN status`?)');
    case 'briefing':
      return args.length === 0 ? ok({ verb: 'briefing', planId: plan.id }) : fail('`briefing` takes no arguments');
    case 'audit':
      return parseAudit(plan, args);
    case 'baseline':
      return parseBaseline(plan, args);
    case 'incident':
      return parseIncident(plan, rest.slice(1));
    default:
      if (/^cp\d+$/.test(verb)) return parseCheckpoint(plan, verb, args);
      return fail(`unknown command \`${truncate(rest[0] ?? '')}\``);
  }
}

function parseCheckpoint(plan: PlanCatalogEntry, checkpointId: string, args: string[]): ParseResult {
  if (!plan.checkpoints.includes(checkpointId)) {
    return fail(`plan \`${plan.id}\` has no checkpoint \`${checkpointId}\` (it has ${plan.checkpoints.join(', ')})`);
  }
  const action = args[0]?.toLowerCase() as CheckpointAction | undefined;
  if (!action) return fail(`say what to do with ${checkpointId}: ${Object.keys(CHECKPOINT_ACTIONS).filter((a) => !CHECKPOINT_ACTIONS[a as CheckpointAction].only || CHECKPOINT_ACTIONS[a as CheckpointAction].only === checkpointId).join(', ')}`);
  const rule = CHECKPOINT_ACTIONS[action];
  if (!rule || !Object.hasOwn(CHECKPOINT_ACTIONS, action)) return fail(`unknown action \`${truncate(args[0] ?? '')}\` for ${checkpointId}`);
  if (rule.only && rule.only !== checkpointId) return fail(`\`${action}\` belongs to ${rule.only}, not ${checkpointId}`);
  const extra = args.slice(1);
  if (rule.takesEnv && extra.length === 1) {
    const environment = extra[0]!.toLowerCase();
    if (!plan.environments.includes(environment)) {
      return fail(`unknown environment \`${truncate(extra[0]!)}\` (plan \`${plan.id}\` has ${plan.environments.join(', ')})`);
    }
    return ok({ verb: 'checkpoint', planId: plan.id, checkpointId, action, environment });
  }
  if (extra.length > 0) return fail(`\`${checkpointId} ${action}\` takes ${rule.takesEnv ? 'at most an environment' : 'no more words'}`);
  return ok({ verb: 'checkpoint', planId: plan.id, checkpointId, action });
}

function parseBaseline(plan: PlanCatalogEntry, args: string[]): ParseResult {
  if (args[0]?.toLowerCase() !== 'capture' || args.length < 2 || args.length > 3) return fail('usage: `baseline capture ENV [replace]`');
  const environment = args[1]!.toLowerCase();
  if (!plan.environments.includes(environment)) return fail(`unknown environment \`${truncate(args[1]!)}\` (plan \`${plan.id}\` has ${plan.environments.join(', ')})`);
  if (args.length === 3 && args[2]!.toLowerCase() !== 'replace') return fail('usage: `baseline capture ENV [replace]`');
  return ok({ verb: 'baseline', planId: plan.id, environment, replace: args.length === 3 });
}

function parseIncident(plan: PlanCatalogEntry, args: string[]): ParseResult {
  const first = args[0]?.toLowerCase();
  if (first === 'resolve') {
    const id = args[1] ?? '';
    if (args.length !== 2 || !/^\d{1,9}$/.test(id)) return fail('usage: `incident resolve ID` (the number golive gave the incident)');
    return ok({ verb: 'incident-resolve', planId: plan.id, incidentId: Number(id) });
  }
  const severity = first ?? '';
  if (!plan.severities.map((s) => s.toLowerCase()).includes(severity)) {
    return fail(`usage: \`incident SEV TEXT\` with SEV one of ${plan.severities.join(', ')}`);
  }
  const text = args.slice(1).join(' ').trim();
  if (!text) return fail('usage: `incident SEV TEXT`: say what happened');
  return ok({ verb: 'incident', planId: plan.id, severity: plan.severities.find((s) => s.toLowerCase() === severity)!, text: text.slice(0, 2000) });
}

function parseAudit(plan: PlanCatalogEntry, args: string[]): ParseResult {
  if (args.length === 0) return ok({ verb: 'audit', planId: plan.id });
  const cp = args[0]!.toLowerCase();
  if (args.length === 1 && plan.checkpoints.includes(cp)) return ok({ verb: 'audit', planId: plan.id, checkpointId: cp });
  return fail(`usage: \`audit [cpN]\` with a checkpoint of plan \`${plan.id}\` (${plan.checkpoints.join(', ')})`);
}

function ok(command: ParsedCommand): ParseResult {
  return { ok: true, command };
}

function fail(problem: string): ParseResult {
  return { ok: false, problem };
}

/** User text echoed back is kept short and free of Slack mention syntax. */
function truncate(word: string): string {
  const clean = word.replace(/[<>`*_~]/g, '');
  return clean.length > 30 ? `${clean.slice(0, 30)}…` : clean;
}

/**
 * Commands that only read state. A duplicate delivery of one is harmless, so
 * the web process answers them without the round trips that make the others
 * idempotent.
 */
export function isReadOnly(command: ParsedCommand): boolean {
  return command.verb === 'help' || command.verb === 'status' || command.verb === 'audit' || (command.verb === 'checkpoint' && command.action === 'status');
}
