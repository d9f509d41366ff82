import type { z } from 'zod';
import { CHECK_TYPE_IDS, checkTypes, isCheckTypeId, type CheckTypeDef } from './check-types.js';
import { problemsFromIssues, type PathSegment } from './issues.js';
import { describeFacts, ruleHolds, type RuleFacts } from './rules.js';
import { COMMANDS, CUTOVER_STATES, OPEN_COMMANDS } from './constants.js';
import type { planBaseSchema, TriggerCondition } from './schema.js';
import { tryParseMoment } from './time.js';
import { unitFitsKind } from './units.js';

/**
 * What the shape alone cannot say: ids unique, references resolve, each
 * check's params valid for its type (replaced by the parsed params, defaults
 * filled in), expectations name figures the type reports, every role is
 * declared, moments fit the plan's schedule, and every decision has an
 * outcome for every count of failed criteria.
 */

type PlanShape = z.output<typeof planBaseSchema>;
type CheckpointShape = PlanShape['checkpoints'][number];
type CheckShape = CheckpointShape['criteria'][number]['checks'][number];
export type AddIssue = (path: PathSegment[], message: string) => void;

/** Keys whose string values are moments, wherever they appear in a plan. */
export const MOMENT_KEYS = new Set(['start', 'end', 'at', 'decide_at', 'decide_by', 'next_at']);

export function crossCheckPlan(plan: PlanShape, add: AddIssue): void {
  const declaredRoles = Object.keys(plan.roles);
  const roleRef = (path: PathSegment[], role: string) => {
    if (!Object.hasOwn(plan.roles, role)) {
      add(path, `role "${role}" is not declared under roles (declared: ${declaredRoles.join(', ')})`);
    }
  };
  const roleRefs = (path: PathSegment[], roles: readonly string[] | undefined) => roles?.forEach((r, i) => roleRef([...path, i], r));

  checkMigration(plan, add);

  for (const command of [...COMMANDS, ...OPEN_COMMANDS]) roleRefs(['permissions', command], plan.permissions[command]);
  unique(plan.incidents.severities.map((s) => String(s.level)), ['incidents', 'severities'], 'level', add);
  plan.incidents.escalation.forEach((level, i) => roleRefs(['incidents', 'escalation', i, 'roles'], level.roles));

  unique(plan.checkpoints.map((c) => c.id), ['checkpoints'], 'id', add);
  const checkIdsByCheckpoint = new Map(plan.checkpoints.map((cp) => [cp.id, new Map(allChecksOf(cp).map((c) => [c.id, c]))]));

  plan.checkpoints.forEach((cp, ci) => {
    const at: PathSegment[] = ['checkpoints', ci];
    checkCheckpoint(plan, cp, at, checkIdsByCheckpoint, add, roleRef, roleRefs);
  });

  checkMoments(plan, add);
}

function checkMigration(plan: PlanShape, add: AddIssue): void {
  const m = plan.migration;
  unique(m.files.map((f) => f.id), ['migration', 'files'], 'id', add);
  const byId = new Map(m.files.map((f) => [f.id, f]));
  m.apply.forEach((id, i) => {
    const file = byId.get(id);
    if (!file) add(['migration', 'apply', i], `no file "${id}" in migration.files`);
    else if (file.kind !== 'migration') add(['migration', 'apply', i], `file "${id}" is a ${file.kind} file, not a migration`);
  });
  const rollback = byId.get(m.rollback);
  if (!rollback) add(['migration', 'rollback'], `no file "${m.rollback}" in migration.files`);
  else if (rollback.kind !== 'rollback') add(['migration', 'rollback'], `file "${m.rollback}" is a ${rollback.kind} file, not a rollback`);
  unique(m.steps.map((s) => s.name), ['migration', 'steps'], 'name', add);
  m.steps.forEach((s, i) => {
    if (!m.apply.includes(s.file)) add(['migration', 'steps', i, 'file'], `step file "${s.file}" is not one of migration.apply (${m.apply.join(', ')})`);
  });
}

function allChecksOf(cp: CheckpointShape): CheckShape[] {
  return [...cp.criteria.flatMap((c) => c.checks), ...cp.trigger_checks];
}

function checkCheckpoint(
  plan: PlanShape,
  cp: CheckpointShape,
  at: PathSegment[],
  checkIdsByCheckpoint: Map<string, Map<string, CheckShape>>,
  add: AddIssue,
  roleRef: (path: PathSegment[], role: string) => void,
  roleRefs: (path: PathSegment[], roles: readonly string[] | undefined) => void,
): void {
  if (!Object.hasOwn(plan.environments, cp.environment)) {
    add([...at, 'environment'], `no environment "${cp.environment}" (plan environments: ${Object.keys(plan.environments).join(', ')})`);
  }
  unique(cp.criteria.map((c) => c.id), [...at, 'criteria'], 'id', add);
  unique(cp.triggers.map((t) => t.id), [...at, 'triggers'], 'id', add);

  // Check ids are unique across the whole checkpoint: results and triggers refer to them.
  const seen = new Map<string, string>();
  const visit = (check: CheckShape, path: PathSegment[]) => {
    const first = seen.get(check.id);
    if (first) add([...path, 'id'], `duplicate check id "${check.id}" (first at ${first})`);
    else seen.set(check.id, pathText(path));
    checkCheck(plan, cp, check, path, checkIdsByCheckpoint, add, roleRefs);
  };
  cp.criteria.forEach((crit, ki) => crit.checks.forEach((check, hi) => visit(check, [...at, 'criteria', ki, 'checks', hi])));
  cp.trigger_checks.forEach((check, hi) => visit(check, [...at, 'trigger_checks', hi]));

  const checksHere = checkIdsByCheckpoint.get(cp.id) ?? new Map<string, CheckShape>();
  cp.triggers.forEach((t, ti) => checkCondition(t.condition, [...at, 'triggers', ti, 'condition'], checksHere, add));

  // Decisions: one per phase; every criterion's phase has one; every outcome count covered.
  unique(cp.decisions.map((d) => d.phase), [...at, 'decisions'], 'phase', add);
  const phases = new Set(cp.decisions.map((d) => d.phase));
  cp.criteria.forEach((crit, ki) => {
    if (!phases.has(crit.phase)) {
      add([...at, 'criteria', ki, 'phase'], `no decision for phase "${crit.phase}" (decisions: ${[...phases].join(', ')})`);
    }
  });
  cp.decisions.forEach((d, di) => {
    const dPath = [...at, 'decisions', di];
    const required = cp.criteria.filter((c) => c.phase === d.phase && c.required).length;
    if (cp.criteria.every((c) => c.phase !== d.phase)) add([...dPath, 'phase'], `no criteria of phase "${d.phase}"`);
    unique(d.outcomes.map((o) => o.id), [...dPath, 'outcomes'], 'id', add);
    d.outcomes.forEach((o, oi) => {
      if (o.next !== undefined && !plan.checkpoints.some((c) => c.id === o.next)) {
        add([...dPath, 'outcomes', oi, 'next'], `no checkpoint "${o.next}"`);
      }
      roleRefs([...dPath, 'outcomes', oi, 'escalate_to'], o.escalate_to);
    });
    for (const facts of factSpace(required, d.subject === 'cutover')) {
      if (!d.outcomes.some((o) => ruleHolds(o.when, facts))) {
        add([...dPath, 'outcomes'], `no outcome covers ${describeFacts(facts)}`);
        break;
      }
    }
  });

  unique(cp.signoffs.map((s) => s.role), [...at, 'signoffs'], 'role', add);
  cp.signoffs.forEach((s, si) => roleRef([...at, 'signoffs', si, 'role'], s.role));
  unique(cp.documents.map((d) => d.id), [...at, 'documents'], 'id', add);
  cp.documents.forEach((d, di) => d.role !== undefined && roleRef([...at, 'documents', di, 'role'], d.role));
  if (cp.permissions) {
    for (const [command, roles] of Object.entries(cp.permissions)) roleRefs([...at, 'permissions', command], roles);
  }

  const criteriaIds = new Set(cp.criteria.map((c) => c.id));
  const criterionRef = (path: PathSegment[], id: string) => {
    if (!criteriaIds.has(id)) add(path, `no criterion "${id}" in ${cp.id}`);
  };
  cp.test_phases?.phases.forEach((p, pi) => p.criteria.forEach((id, i) => criterionRef([...at, 'test_phases', 'phases', pi, 'criteria', i], id)));
  cp.pre_cutover?.slots.forEach((s, si) => s.criteria.forEach((id, i) => criterionRef([...at, 'pre_cutover', 'slots', si, 'criteria', i], id)));
  if (cp.cutover) {
    const cu = cp.cutover;
    const cuPath = [...at, 'cutover'];
    const stepNames = plan.migration.steps.map((s) => s.name);
    unique(cu.steps.map((s) => s.name), [...cuPath, 'steps'], 'name', add);
    cu.steps.forEach((s, si) => {
      if (!stepNames.includes(s.name)) add([...cuPath, 'steps', si, 'name'], `no step "${s.name}" in migration.steps (${stepNames.join(', ')})`);
    });
    unique(cu.phases.map((p) => p.id), [...cuPath, 'phases'], 'id', add);
    cu.phases.forEach((p, pi) => {
      if (p.criteria_phase !== undefined && !phases.has(p.criteria_phase)) {
        add([...cuPath, 'phases', pi, 'criteria_phase'], `no decision for phase "${p.criteria_phase}"`);
      }
      p.items.forEach((item, ii) => {
        if (item.role !== undefined) roleRef([...cuPath, 'phases', pi, 'items', ii, 'role'], item.role);
        if (item.kind === 'manual' && item.role === undefined) add([...cuPath, 'phases', pi, 'items', ii, 'role'], 'a manual item needs the role that confirms it');
        if (item.kind === 'action' && item.action === undefined) add([...cuPath, 'phases', pi, 'items', ii, 'action'], 'an action item needs the action golive performs');
      });
    });
    if (cu.phases.filter((p) => p.runs_steps).length !== 1) add([...cuPath, 'phases'], 'exactly one cutover phase must have runs_steps: true');
    unique(cu.rules.map((r) => r.id), [...cuPath, 'rules'], 'id', add);
    cu.rules.forEach((r, ri) => roleRefs([...cuPath, 'rules', ri, 'escalate_to'], r.escalate_to));
  }
}

/** Every combination of facts a decision must answer. */
function factSpace(requiredCriteria: number, withCutover: boolean): RuleFacts[] {
  const out: RuleFacts[] = [];
  const cutovers = withCutover ? CUTOVER_STATES : [undefined];
  for (let failed = 0; failed <= requiredCriteria; failed++) {
    for (const triggerFired of [false, true]) {
      for (const cutover of cutovers) out.push({ failedCriteria: failed, triggerFired, cutover });
    }
  }
  return out;
}

function checkCheck(
  plan: PlanShape,
  cp: CheckpointShape,
  check: CheckShape,
  path: PathSegment[],
  checkIdsByCheckpoint: Map<string, Map<string, CheckShape>>,
  add: AddIssue,
  roleRefs: (path: PathSegment[], roles: readonly string[] | undefined) => void,
): void {
  if (check.environment !== undefined && !Object.hasOwn(plan.environments, check.environment)) {
    add([...path, 'environment'], `no environment "${check.environment}"`);
  }
  if (!isCheckTypeId(check.type)) {
    add([...path, 'type'], `unknown check type "${check.type}" (known: ${CHECK_TYPE_IDS.join(', ')})`);
    return;
  }
  const def = checkTypes[check.type] as CheckTypeDef;
  const parsed = def.params.safeParse(check.params, { reportInput: true });
  if (!parsed.success) {
    for (const p of problemsFromIssues(parsed.error.issues, [...path, 'params'])) add(p.path, p.message);
  } else {
    // The engine reads params with their defaults filled in.
    check.params = parsed.data;
  }

  const expectations = check.expect === undefined ? [] : Array.isArray(check.expect) ? check.expect : [check.expect];
  if (def.needsExpect && expectations.length === 0) {
    add([...path, 'expect'], `check type ${check.type} needs an expect (figures: ${Object.keys(def.metrics).join(', ')})`);
  }
  expectations.forEach((e, i) => {
    const ePath = Array.isArray(check.expect) ? [...path, 'expect', i] : [...path, 'expect'];
    checkMetric(def, check.type, e.metric, e.unit, ePath, add);
  });

  if (check.type === 'manual') {
    roleRefs([...path, 'attest_by'], check.attest_by);
    if (check.attest_by === undefined && plan.permissions.attest.length === 0) {
      add([...path, 'attest_by'], 'a manual check needs attest_by (or permissions.attest naming roles)');
    }
  } else if (check.attest_by !== undefined) {
    add([...path, 'attest_by'], `attest_by is only for manual checks (this one is ${check.type})`);
  }

  if (!parsed.success || !def.refs) return;
  const refs = def.refs(parsed.data);
  const pPath = [...path, 'params'];
  for (const env of refs.environments ?? []) {
    if (!Object.hasOwn(plan.environments, env)) add(pPath, `no environment "${env}" (plan environments: ${Object.keys(plan.environments).join(', ')})`);
  }
  for (const q of refs.queries ?? []) {
    if (!Object.hasOwn(plan.queries, q)) add(pPath, `no query "${q}" in queries (${Object.keys(plan.queries).join(', ') || 'none'})`);
  }
  for (const f of refs.files ?? []) {
    if (!plan.migration.files.some((m) => m.id === f)) add(pPath, `no file "${f}" in migration.files`);
  }
  for (const e of refs.endpoints ?? []) {
    if (!Object.hasOwn(plan.endpoints, e)) add(pPath, `no endpoint "${e}" in endpoints (${Object.keys(plan.endpoints).join(', ') || 'none'})`);
  }
  for (const ref of refs.checks ?? []) {
    const other = checkIdsByCheckpoint.get(ref.checkpoint);
    if (!other) add(pPath, `no checkpoint "${ref.checkpoint}"`);
    else if (ref.checkpoint === cp.id && ref.checks.length > 0) add(pPath, 'a prior result must come from another checkpoint');
    else for (const id of ref.checks) if (!other.has(id)) add(pPath, `no check "${id}" in ${ref.checkpoint}`);
  }
  if (check.type === 'query_performance') {
    const p = parsed.data as { query: string; reference: string; figure?: string };
    const figures = plan.queries[p.query]?.figures;
    if (p.reference === 'figure' && figures && p.figure !== undefined && !Object.hasOwn(figures, p.figure)) {
      add([...pPath, 'figure'], `query ${p.query} has no figure "${p.figure}" (figures: ${Object.keys(figures).join(', ') || 'none'})`);
    }
  }
}

function checkMetric(
  def: CheckTypeDef,
  type: string,
  metric: string | undefined,
  unit: Parameters<typeof unitFitsKind>[0] | undefined,
  path: PathSegment[],
  add: AddIssue,
): void {
  const name = metric ?? def.primary;
  const kind = def.metrics[name];
  if (kind === undefined) {
    add([...path, 'metric'], `check type ${type} reports no figure "${name}" (figures: ${Object.keys(def.metrics).join(', ')})`);
    return;
  }
  if (unit !== undefined && !unitFitsKind(unit, kind)) {
    add([...path, 'unit'], `unit ${unit} does not fit figure ${name} of ${type}, which is ${kind}`);
  }
}

function checkCondition(cond: TriggerCondition, path: PathSegment[], checks: Map<string, CheckShape>, add: AddIssue): void {
  if ('any_of' in cond) return cond.any_of.forEach((c, i) => checkCondition(c, [...path, 'any_of', i], checks, add));
  if ('all_of' in cond) return cond.all_of.forEach((c, i) => checkCondition(c, [...path, 'all_of', i], checks, add));
  const check = checks.get(cond.check);
  if (!check) {
    add([...path, 'check'], `trigger refers to check "${cond.check}", which is not a check of this checkpoint`);
    return;
  }
  if ('op' in cond && isCheckTypeId(check.type)) {
    checkMetric(checkTypes[check.type] as CheckTypeDef, check.type, cond.metric, cond.unit, path, add);
  }
}

function checkMoments(plan: PlanShape, add: AddIssue): void {
  const wanted = plan.schedule === 'absolute' ? 'absolute' : 'offset';
  walkMoments(plan, (path, text) => {
    const parsed = tryParseMoment(text);
    if (parsed && parsed.kind !== wanted) {
      add(
        path,
        plan.schedule === 'absolute'
          ? `an absolute plan takes local date-times like 2026-02-17T13:00, got ${JSON.stringify(text)}`
          : `a relative plan takes offsets from its start like +50m, got ${JSON.stringify(text)}`,
      );
    }
  });
}

/** Calls back for every moment string in a plan (keys in MOMENT_KEYS), with its path. */
export function walkMoments(value: unknown, visit: (path: PathSegment[], text: string) => void, path: PathSegment[] = []): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => walkMoments(v, visit, [...path, i]));
  } else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      // Check params are free-form (a param may be called start); skip them.
      if (key === 'params') continue;
      if (MOMENT_KEYS.has(key) && typeof v === 'string') visit([...path, key], v);
      else walkMoments(v, visit, [...path, key]);
    }
  }
}

function unique(values: string[], path: PathSegment[], field: string, add: AddIssue): void {
  const first = new Map<string, number>();
  values.forEach((v, i) => {
    const prev = first.get(v);
    if (prev !== undefined) add([...path, i, field], `duplicate ${field} "${v}" (also at ${pathText([...path, prev])})`);
    else first.set(v, i);
  });
}

function pathText(path: PathSegment[]): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}
