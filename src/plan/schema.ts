import { z } from 'zod';
import { comparisonShapeForTrigger, expectationSchema, refineComparison, type Expectation } from './expect.js';
import { crossCheckPlan } from './cross-check.js';
import {
  checkpointIdSchema,
  durationSchema,
  idSchema,
  momentSchema,
  queryIdSchema,
  rangeSchema,
  rescheduleSchema,
  roleIdSchema,
  sourceSchema,
  tableNameSchema,
  windowSchema,
} from './primitives.js';
import { isValidTimeZone } from './time.js';
import {
  CHECK_STATUSES,
  COMMANDS,
  CUTOVER_STATES,
  OPEN_COMMANDS,
  OUTCOME_KINDS,
  type CheckStatus,
  type Command,
  type CutoverState,
} from './constants.js';

export * from './constants.js';

/**
 * The plan: one YAML file per migration (DESIGN.md, "The model"). The schema
 * validates the shape; `crossCheckPlan` then validates what spans the file
 * (ids, references, each check's params against its type, decision coverage).
 * Field names are snake_case as written in YAML.
 */

// ---------- checks, criteria, triggers ----------

export const checkSchema = z.strictObject({
  id: idSchema,
  title: z.string().min(1),
  /** The seed line this check stands for, verbatim (tree glyphs removed). */
  source: sourceSchema,
  /** Further seed lines under it (e.g. a query's baseline / target / shadow lines). */
  source_detail: z.array(sourceSchema).optional(),
  /** A check type id from check-types.ts; its params are validated against that type. */
  type: z.string().min(1),
  params: z.record(z.string(), z.unknown()).default({}),
  expect: z.union([expectationSchema, z.array(expectationSchema).min(1)]).optional(),
  /** An optional check is shown but never fails its criterion nor holds the decision. */
  optional: z.boolean().default(false),
  /** The environment it runs on; default: the checkpoint's. */
  environment: idSchema.optional(),
  timeout: durationSchema.optional(),
  /** Manual checks: the roles that may attest it (default: permissions.attest). */
  attest_by: z.array(roleIdSchema).min(1).optional(),
  /** Why the check reads the seed this way; shown with the evidence. */
  note: z.string().optional(),
});

export const criterionSchema = z.strictObject({
  id: idSchema,
  title: z.string().min(1),
  /** The ✓ heading, verbatim. */
  source: sourceSchema,
  /** The group's summary line ("Required: 100% pass", "Result: All checks PASS"). */
  requirement: sourceSchema.optional(),
  /** A criterion that is not required is shown but not counted by the decision. */
  required: z.boolean().default(true),
  /** Which decision of the checkpoint counts it (cp3: pre_cutover or validation). */
  phase: idSchema.default('main'),
  checks: z.array(checkSchema).min(1, { error: 'a criterion needs at least one check' }),
  note: z.string().optional(),
});


export type TriggerCondition =
  | { any_of: TriggerCondition[] }
  | { all_of: TriggerCondition[] }
  | { check: string; status: CheckStatus[] }
  | {
      check: string;
      metric?: string | undefined;
      op: Expectation['op'];
      value: number | boolean | string;
      max?: number | undefined;
      unit?: Expectation['unit'];
    };

const statusLeafSchema = z.strictObject({
  check: idSchema,
  status: z.array(z.enum(CHECK_STATUSES)).min(1),
});
const comparisonLeafSchema = z.strictObject({ check: idSchema, ...comparisonShapeForTrigger }).superRefine(refineComparison);

export const triggerConditionSchema: z.ZodType<TriggerCondition> = z.lazy(() =>
  z.union(
    [
      z.strictObject({ any_of: z.array(triggerConditionSchema).min(1) }),
      z.strictObject({ all_of: z.array(triggerConditionSchema).min(1) }),
      statusLeafSchema,
      comparisonLeafSchema,
    ],
    {
      error:
        'expected { check: ID, status: [fail, error] }, { check: ID, metric?: NAME, op: "<", value: N, unit?: U }, { any_of: [...] } or { all_of: [...] }',
    },
  ),
);

export const triggerSchema = z.strictObject({
  id: idSchema,
  title: z.string().min(1),
  /** The ✗ line, verbatim. */
  source: sourceSchema,
  condition: triggerConditionSchema,
  note: z.string().optional(),
});

// ---------- decisions ----------


export type DecisionRule = {
  failed_criteria?: { min?: number | undefined; max?: number | undefined } | undefined;
  triggers?: 'any' | 'none' | undefined;
  cutover?: CutoverState[] | undefined;
  any_of?: DecisionRule[] | undefined;
};

/** All given fields must hold; any_of holds when one of its rules does. */
export const decisionRuleSchema: z.ZodType<DecisionRule> = z.lazy(() =>
  z.strictObject({
    failed_criteria: z
      .strictObject({ min: z.number().int().nonnegative().optional(), max: z.number().int().nonnegative().optional() })
      .optional(),
    triggers: z.enum(['any', 'none']).optional(),
    cutover: z.array(z.enum(CUTOVER_STATES)).min(1).optional(),
    any_of: z.array(decisionRuleSchema).min(1).optional(),
  }),
);


export const outcomeSchema = z.strictObject({
  id: idSchema,
  /** As shown: GO, CONDITIONAL GO, NO-GO, PASS, HOLD, PROCEED, DELAY, COMPLETE, ROLLED BACK, ACCEPTED … */
  label: z.string().min(1),
  kind: z.enum(OUTCOME_KINDS),
  when: decisionRuleSchema,
  /** The seed's condition line ("IF 1-2 CRITERIA FAIL (Recoverable):"). */
  source: sourceSchema.optional(),
  /** The box's status line ("STATUS: CONDITIONAL GO (if fixes applied)"). */
  status: z.string().optional(),
  actions: z.array(z.string()).default([]),
  next: checkpointIdSchema.optional(),
  next_at: momentSchema.optional(),
  next_steps: z.string().optional(),
  reschedule: z.array(rescheduleSchema).default([]),
  /** Re-test window for the failed areas (CONDITIONAL): the gate records the deadline. */
  retest_within: rangeSchema.optional(),
  continue_monitoring: rangeSchema.optional(),
  decide_by: momentSchema.optional(),
  /** A fix that fits this long is applied in place; beyond it, rollback (cp4). */
  fix_within: durationSchema.optional(),
  escalate_to: z.array(roleIdSchema).default([]),
  escalation: z.string().optional(),
  escalation_timeline: z.array(z.strictObject({ case: z.string(), action: z.string() })).default([]),
  rollback_within: durationSchema.optional(),
  recovery: rangeSchema.optional(),
  impact: z.array(z.string()).default([]),
  notes: z.array(z.string()).default([]),
});

export const decisionSchema = z.strictObject({
  /** Criteria of this phase are counted; the default phase is main. */
  phase: idSchema.default('main'),
  title: z.string().optional(),
  /** checks: decided from check results; cutover: also needs the cutover's final state. */
  subject: z.enum(['checks', 'cutover']).default('checks'),
  source: sourceSchema.optional(),
  /** Tried in order; the first whose rule holds is the decision. */
  outcomes: z.array(outcomeSchema).min(2, { error: 'a decision needs at least two outcomes' }),
});

// ---------- checkpoint extras: cp2 test phases, cp3 cutover, cp4 monitoring ----------

export const testPhasesSchema = z.strictObject({
  window: windowSchema,
  source: sourceSchema,
  intro: z.string().optional(),
  phases: z
    .array(
      z.strictObject({
        id: idSchema,
        title: z.string().min(1),
        source: sourceSchema,
        /** The golive command that performs it. */
        command: z.string().optional(),
        /** Criteria of the checkpoint that judge it. */
        criteria: z.array(idSchema).default([]),
      }),
    )
    .min(1),
});

export const preCutoverSchema = z.strictObject({
  window: windowSchema,
  source: sourceSchema,
  slots: z
    .array(
      z.strictObject({
        start: momentSchema,
        end: momentSchema,
        title: z.string().min(1),
        source: sourceSchema,
        /** Criteria (of phase pre_cutover) whose checks make up the slot. */
        criteria: z.array(idSchema).default([]),
        /** Seed lines of the slot that are not checks (the decision point's text). */
        lines: z.array(sourceSchema).default([]),
      }),
    )
    .min(1),
});

export const CUTOVER_ITEM_KINDS = ['announce', 'manual', 'action', 'status', 'note'] as const;

export const cutoverItemSchema = z.strictObject({
  /** The seed line, verbatim. */
  text: sourceSchema,
  /** announce: a channel post; manual: a person confirms with a button; action: golive does it; status/note: shown. */
  kind: z.enum(CUTOVER_ITEM_KINDS),
  role: roleIdSchema.optional(),
  /** For kind action: what golive does (stop_accepting, wait_inflight, lock, record_metrics, release_locks …). */
  action: idSchema.optional(),
  timeout: durationSchema.optional(),
});

export const CUTOVER_RULE_CASES = [
  'pre_cutover_pass',
  'pre_cutover_issue',
  'on_schedule',
  'behind_schedule',
  'critical_error',
  'validation_pass',
  'validation_fail',
] as const;

export const cutoverSchema = z.strictObject({
  /** The maintenance window opens (13:00). */
  start: momentSchema,
  end: momentSchema,
  source: sourceSchema,
  downtime_target: rangeSchema,
  downtime_source: sourceSchema.optional(),
  phases: z
    .array(
      z.strictObject({
        id: idSchema,
        title: z.string().min(1),
        source: sourceSchema,
        /** Planned length; the phase's clock times in the seed follow from the budgets. */
        budget: durationSchema.optional(),
        items: z.array(cutoverItemSchema).default([]),
        /** The phase runs the step runner over migration.apply (the steps below). */
        runs_steps: z.boolean().default(false),
        /** The phase runs the checkpoint's criteria of this phase (validation). */
        criteria_phase: idSchema.optional(),
      }),
    )
    .min(1),
  /** Budgets keyed by step name (the markers of the migration file). */
  steps: z
    .array(
      z.strictObject({
        name: idSchema,
        title: z.string().min(1),
        source: z.array(sourceSchema).min(1),
        budget: durationSchema,
      }),
    )
    .min(1),
  thresholds: z.strictObject({
    counted_from: z.enum(['migration_start', 'cutover_start']),
    source: sourceSchema.optional(),
    items: z
      .array(
        z.strictObject({
          after: durationSchema,
          action: z.enum(['assess', 'consider_abort', 'hard_stop_rollback']),
          source: sourceSchema,
        }),
      )
      .min(1),
  }),
  progress: z.strictObject({
    interval: durationSchema,
    source: sourceSchema,
    report: z.array(z.strictObject({ id: idSchema, text: sourceSchema })).min(1),
  }),
  rollback: z.strictObject({
    limit: durationSchema,
    restore_from_backup: rangeSchema.optional(),
    source: z.array(sourceSchema).default([]),
  }),
  rules: z
    .array(
      z.strictObject({
        id: idSchema,
        case: z.enum(CUTOVER_RULE_CASES),
        source: z.array(sourceSchema).min(1),
        actions: z.array(z.string()).default([]),
        reschedule: z.array(rescheduleSchema).default([]),
        escalate_to: z.array(roleIdSchema).default([]),
      }),
    )
    .default([]),
});

export const monitoringSchema = z.strictObject({
  period: windowSchema,
  sampling: z.strictObject({
    every: durationSchema,
    probes: z.array(z.enum(['database', 'application', 'network', 'host'])).min(1),
  }),
  continuous: z.array(z.strictObject({ title: z.string(), source: sourceSchema })).default([]),
  briefings: z.strictObject({
    source: sourceSchema,
    duration: durationSchema,
    duration_source: sourceSchema.optional(),
    days: z.array(z.strictObject({ at: momentSchema, title: z.string().min(1), source: sourceSchema })).min(1),
  }),
  metrics: z.array(z.strictObject({ id: idSchema, title: z.string(), source: sourceSchema })).default([]),
  daily_report: z.array(z.strictObject({ id: idSchema, title: z.string(), source: sourceSchema })).default([]),
});

// ---------- checkpoint ----------


const roleList = z.array(roleIdSchema);
export const permissionsSchema = z.strictObject({
  ...Object.fromEntries(COMMANDS.map((c) => [c, roleList])),
  ...Object.fromEntries(OPEN_COMMANDS.map((c) => [c, roleList.optional()])),
} as Record<(typeof COMMANDS)[number], typeof roleList> & Record<(typeof OPEN_COMMANDS)[number], z.ZodOptional<typeof roleList>>);

export const checkpointPermissionsSchema = permissionsSchema.partial();

export const signoffSchema = z.strictObject({
  role: roleIdSchema,
  /** The seed's parenthetical: what this role confirms. */
  scope: z.string().min(1),
  source: sourceSchema,
});

export const documentSchema = z.strictObject({
  id: idSchema,
  title: z.string().min(1),
  source: sourceSchema,
  /** true: golive builds it from stored evidence; false: a person supplies it (attested). */
  generated: z.boolean().default(true),
  role: roleIdSchema.optional(),
});

export const checkpointSchema = z.strictObject({
  id: checkpointIdSchema,
  title: z.string().min(1),
  /** The seed's heading, verbatim (its weekday may be wrong: see the window's label). */
  source: sourceSchema,
  /** The architecture box's Status line (PRE-DEPLOYMENT READINESS …). */
  status_label: z.string().optional(),
  /** Other lines of the architecture box. */
  summary: z.array(z.string()).default([]),
  objective: z.string().min(1),
  environment: idSchema,
  window: windowSchema,
  /** "Critérios PASS (ALL required)". */
  criteria_rule: z.string().optional(),
  criteria: z.array(criterionSchema).min(1),
  /** "Critérios FAIL (any triggers HOLD)". */
  trigger_rule: z.string().optional(),
  triggers: z.array(triggerSchema).default([]),
  /** Checks that only fail triggers read (not counted in any criterion). */
  trigger_checks: z.array(checkSchema).default([]),
  decisions: z.array(decisionSchema).min(1),
  signoffs: z.array(signoffSchema).min(1),
  documents_intro: z.string().optional(),
  documents: z.array(documentSchema).default([]),
  permissions: checkpointPermissionsSchema.optional(),
  allow_same_person_multiple_roles: z.boolean().optional(),
  test_phases: testPhasesSchema.optional(),
  pre_cutover: preCutoverSchema.optional(),
  cutover: cutoverSchema.optional(),
  monitoring: monitoringSchema.optional(),
});

// ---------- plan-level parts ----------

const ENV_URL_VAR = /^GOLIVE_ENV_[A-Z0-9_]+_URL$/;
const VAR_NAME = /^[A-Z][A-Z0-9_]*$/;

export const environmentSchema = z.strictObject({
  url_var: z.string().regex(ENV_URL_VAR, { error: 'expected a variable named GOLIVE_ENV_<NAME>_URL' }),
  readonly_url_var: z.string().regex(ENV_URL_VAR, { error: 'expected a variable named GOLIVE_ENV_<NAME>_URL' }).optional(),
  /** The `instance` label of this environment's database host in Prometheus. */
  prometheus_instance: z.string().optional(),
  description: z.string().optional(),
  /** Already migrated when the plan starts (shadow: APPROVED_FROM_SHADOW). */
  migrated: z.boolean().default(false),
});

export const endpointSchema = z.strictObject({
  url: z.string().regex(/^https?:\/\/|^\//, { error: 'expected an http(s) URL, or a path on golive\'s own server like /healthz' }),
  /** The variable holding its bearer token, if any (never the token itself). */
  token_var: z.string().regex(VAR_NAME, { error: 'expected a variable name like GOLIVE_GRAFANA_TOKEN' }).optional(),
  description: z.string().optional(),
});

export const SHA256_PLACEHOLDERS = ['TBD', 'auto'] as const;

export const manifestFileSchema = z.strictObject({
  id: idSchema,
  path: z.string().min(1),
  /**
   * 64 hex digits; TBD: not known yet (file_checksum checks fail until it is
   * filled in); auto: computed from the file when the plan is loaded and pinned
   * in the state DB (the demo plan, whose SQL changes with the repository).
   */
  sha256: z.union([z.string().regex(/^[0-9a-f]{64}$/), z.enum(SHA256_PLACEHOLDERS)], {
    error: 'expected 64 lower-case hex digits, TBD or auto',
  }),
  kind: z.enum(['migration', 'rollback']),
  source: sourceSchema.optional(),
  description: z.string().optional(),
});

export const migrationSchema = z.strictObject({
  files: z.array(manifestFileSchema).min(1),
  /** Migration files in the order they run. */
  apply: z.array(idSchema).min(1),
  rollback: idSchema,
  /** The step markers of the apply files, in order. */
  steps: z
    .array(z.strictObject({ name: idSchema, file: idSchema, description: z.string().optional() }))
    .min(1),
});

export const querySchema = z.strictObject({
  title: z.string().min(1),
  /** A pgbench script (also run alone for timings); its variables come from parameters. */
  file: z.string().min(1),
  parameters: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), z.union([z.number(), z.string()])).default({}),
  /** The seed's figures at production scale: baseline_ms, target_ms, shadow_ms, expected_ms … */
  figures: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), z.number()).default({}),
  source: sourceSchema.optional(),
});

export const targetSchema = z.strictObject({
  database: z.string().min(1),
  table: tableNameSchema,
  legacy_table: tableNameSchema,
  partition_key: z.string().min(1),
  partition_pattern: z.string().min(1),
  default_partition: tableNameSchema,
  /** Related tables (foreign keys) the integrity checks include. */
  related_tables: z.array(tableNameSchema).default([]),
  /** The seed's other names for the same things, and how they map. */
  aliases: z.record(z.string(), z.string()).default({}),
});

export const incidentsSchema = z.strictObject({
  severities: z
    .array(
      z.strictObject({
        level: z.number().int().min(1).max(4),
        name: z.string().min(1),
        class: z.enum(['critical', 'major', 'minor']),
        description: z.string().min(1),
        respond_within: durationSchema,
        source: sourceSchema,
      }),
    )
    .min(1),
  escalation: z
    .array(
      z.strictObject({
        level: z.number().int().min(1),
        title: z.string().min(1),
        roles: z.array(roleIdSchema).min(1),
        source: sourceSchema,
      }),
    )
    .min(1),
});

export const acceptanceSchema = z.strictObject({
  at: momentSchema,
  title: z.string().min(1),
  source: sourceSchema,
  if_accepted: z.strictObject({
    source: sourceSchema,
    actions: z.array(z.string()).min(1),
    timeline: z
      .array(z.strictObject({ title: z.string(), start: momentSchema, end: momentSchema, text: z.string(), source: sourceSchema }))
      .default([]),
  }),
  if_rolled_back: z.strictObject({
    source: sourceSchema,
    actions: z.array(z.string()).min(1),
    reschedule: z.array(rescheduleSchema).default([]),
    impact: z.array(z.string()).default([]),
  }),
});

export const planDocumentSchema = z.strictObject({
  title: z.string(),
  subtitle: z.string().optional(),
  period: z.strictObject({ start: momentSchema, end: momentSchema, source: sourceSchema }),
  status: sourceSchema,
  architecture: z.string().optional(),
  prepared_by: z.string().optional(),
  prepared_at: z.string().optional(),
  document_status: z.string().optional(),
  next_review: z.string().optional(),
  version: z.string().optional(),
});

export const planBaseSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9_-]*$/, { error: 'expected a plan id like opt1 (lower case, digits, - or _)' }),
  title: z.string().min(1),
  version: z.string().optional(),
  time_zone: z
    .string()
    .default('America/Sao_Paulo')
    .refine(isValidTimeZone, { error: (iss) => `expected an IANA time zone like America/Sao_Paulo, got ${JSON.stringify(iss.input)}` }),
  /** absolute: moments are local date-times; relative: offsets (+50m) from a start recorded in the state DB. */
  schedule: z.enum(['absolute', 'relative']),
  document: planDocumentSchema.optional(),
  target: targetSchema,
  environments: z.record(idSchema, environmentSchema),
  prometheus: z
    .strictObject({
      url_var: z.string().regex(VAR_NAME).default('GOLIVE_PROMETHEUS_URL'),
      token_var: z.string().regex(VAR_NAME).optional(),
    })
    .optional(),
  endpoints: z.record(idSchema, endpointSchema).default({}),
  migration: migrationSchema,
  queries: z.record(queryIdSchema, querySchema).default({}),
  /** Every role the plan uses, with how the seed names it; the roles file says who holds them. */
  roles: z.record(roleIdSchema, z.strictObject({ title: z.string().min(1), description: z.string().optional() })),
  permissions: permissionsSchema,
  /** Four eyes: by default one person may not sign two roles of one checkpoint. */
  allow_same_person_multiple_roles: z.boolean().default(false),
  checkpoints: z.array(checkpointSchema).min(1),
  incidents: incidentsSchema,
  glossary: z.array(z.strictObject({ term: z.string(), meaning: z.string(), source: sourceSchema })).default([]),
  readiness: z
    .strictObject({
      current: z.string(),
      states: z.array(z.strictObject({ state: z.string(), meaning: z.string(), source: sourceSchema })).min(1),
    })
    .optional(),
  acceptance: acceptanceSchema.optional(),
});

/** The full schema: shape, then cross-checks (params parsed with their defaults). */
export const planSchema = planBaseSchema.transform((plan, ctx) => {
  crossCheckPlan(plan, (path, message) => {
    ctx.issues.push({ code: 'custom', path, message, input: undefined });
  });
  return plan;
});

export type Plan = z.output<typeof planSchema>;
export type PlanInput = z.input<typeof planSchema>;
export type Checkpoint = Plan['checkpoints'][number];
export type Criterion = Checkpoint['criteria'][number];
export type Check = Criterion['checks'][number];
export type Trigger = Checkpoint['triggers'][number];
export type DecisionSpec = Checkpoint['decisions'][number];
export type Outcome = DecisionSpec['outcomes'][number];
export type { Reschedule, Range, Window } from './primitives.js';
export type Signoff = Checkpoint['signoffs'][number];
export type PlanDocument = Checkpoint['documents'][number];
export type Cutover = NonNullable<Checkpoint['cutover']>;
export type CutoverStep = Cutover['steps'][number];
export type PreCutover = NonNullable<Checkpoint['pre_cutover']>;
export type TestPhases = NonNullable<Checkpoint['test_phases']>;
export type Monitoring = NonNullable<Checkpoint['monitoring']>;
export type Environment = Plan['environments'][string];
export type ManifestFile = Plan['migration']['files'][number];
export type NamedQuery = Plan['queries'][string];
export type Permissions = Plan['permissions'];
export type Severity = Plan['incidents']['severities'][number];
export type EscalationLevel = Plan['incidents']['escalation'][number];

/** A check's expectations as a list (empty when the type decides by itself). */
export function expectationsOf(check: Pick<Check, 'expect'>): Expectation[] {
  if (check.expect === undefined) return [];
  return Array.isArray(check.expect) ? check.expect : [check.expect];
}

/** All checks of a checkpoint: criteria checks then trigger-only checks. */
export function allChecks(cp: Checkpoint): Check[] {
  return [...cp.criteria.flatMap((c) => c.checks), ...cp.trigger_checks];
}

/** Check id → the id of the criterion it belongs to (trigger checks belong to none). */
export function criterionOfChecks(cp: Checkpoint): Map<string, string> {
  return new Map(cp.criteria.flatMap((c) => c.checks.map((k) => [k.id, c.id] as const)));
}

/** The roles allowed a command at a checkpoint; undefined: anyone in the channel. */
export function rolesAllowed(plan: Plan, command: Command, checkpointId?: string): string[] | undefined {
  const cp = checkpointId ? plan.checkpoints.find((c) => c.id === checkpointId) : undefined;
  const override = cp?.permissions?.[command];
  if (override !== undefined) return override;
  return plan.permissions[command];
}

export function findCheckpoint(plan: Plan, id: string): Checkpoint | undefined {
  return plan.checkpoints.find((c) => c.id === id);
}
