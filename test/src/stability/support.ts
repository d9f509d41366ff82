import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import type { Harness } from '../../support/harness.js';

/**
 * A compact checkpoint-4 plan for the stability tests, written to a
 * temporary directory: production monitored for 48 hours (17/02 14:30 →
 * 19/02 14:30, America/Sao_Paulo), stability checks that read the stored
 * samples, a critical-incidents check and trigger, the seed's decision
 * matrix, and a 09:00 briefing on each of the three days. The named
 * queries are OPT1's (they run on the demo test data).
 */

export const PEOPLE = {
  dba: 'U0DBA0001',
  infra: 'U0INF0001',
  app: 'U0APP0001',
  pm: 'U0PMG0001',
  cto: 'U0CTO0001',
  tech: 'U0TEC0001',
  oncall: 'U0ONC0001',
} as const;

export const WINDOW_START = new Date('2026-02-17T17:30:00Z'); // 14:30 in São Paulo
export const WINDOW_END = new Date('2026-02-19T17:30:00Z');

export interface StabilityPlanOptions {
  id?: string;
  /** Probe interval (sampling.every); the test compresses 48 h by taking few, far-apart ticks. */
  every?: string;
  probes?: Array<'database' | 'application' | 'network' | 'host'>;
  /** Count open critical incidents (blocks acceptance until resolved) or every one (the seed's zero). */
  criticalCount?: 'open_incidents' | 'incidents';
  /** latency_degradation_pct bound of the performance check. */
  latencyBoundPct?: number;
  schedule?: 'absolute' | 'relative';
  /** Relative plans: the monitoring period and the briefing days as offsets. */
  relative?: { periodStart: string; periodEnd: string; briefings: string[] };
}

export interface StabilityPlanFile {
  dir: string;
  file: string;
  remove(): Promise<void>;
}

export async function writeStabilityPlan(options: StabilityPlanOptions = {}): Promise<StabilityPlanFile> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'golive-stabplan-'));
  await mkdir(path.join(dir, 'm'));
  await writeFile(path.join(dir, 'm', 'forward.sql'), '-- golive:step name=noop verify="SELECT true"\nSELECT 1;\n');
  await writeFile(path.join(dir, 'm', 'rollback.sql'), '-- golive:step name=undo verify="SELECT true"\nSELECT 1;\n');
  const id = options.id ?? 'stab';
  const relative = options.schedule === 'relative';
  const period = relative
    ? { start: options.relative!.periodStart, end: options.relative!.periodEnd }
    : { start: '2026-02-17T14:30', end: '2026-02-19T14:30' };
  const days = relative ? options.relative!.briefings : ['2026-02-17T09:00', '2026-02-18T09:00', '2026-02-19T09:00'];
  const samples = { source: 'samples', window: 'monitoring', sample_every: options.every ?? '15m', probe: 'database' };
  const plan = {
    id,
    title: 'Stability test plan',
    time_zone: 'America/Sao_Paulo',
    schedule: relative ? 'relative' : 'absolute',
    target: {
      database: 'stab',
      table: 'public.catalogo_geometrias',
      legacy_table: 'public.catalogo_geometrias_legacy',
      partition_key: 'created_at',
      partition_pattern: 'public.catalogo_geometrias_pYYYYqQ',
      default_partition: 'public.catalogo_geometrias_default',
    },
    environments: { production: { url_var: 'GOLIVE_ENV_PRODUCTION_URL' } },
    migration: {
      files: [
        { id: 'forward', path: 'm/forward.sql', sha256: 'auto', kind: 'migration' },
        { id: 'rollback', path: 'm/rollback.sql', sha256: 'auto', kind: 'rollback' },
      ],
      apply: ['forward'],
      rollback: 'rollback',
      steps: [{ name: 'noop', file: 'forward' }],
    },
    queries: {
      Q1: { title: 'Q1 ST_Contains', file: 'plans/opt1/queries/q1_st_contains.sql' },
      Q2: { title: 'Q2 ST_Intersects', file: 'plans/opt1/queries/q2_st_intersects.sql' },
      Q3: { title: 'Q3 ST_DWithin', file: 'plans/opt1/queries/q3_st_dwithin.sql' },
    },
    roles: {
      dba: { title: 'Database Administrator' },
      infra: { title: 'Infrastructure Team' },
      app_lead: { title: 'Application Team Lead' },
      pm: { title: 'Project Manager' },
      cto: { title: 'CTO' },
      tech_lead: { title: 'Tech Lead' },
      oncall_lead: { title: 'On-call Lead' },
    },
    permissions: {
      run: ['dba', 'infra'],
      signoff: ['dba', 'infra', 'pm'],
      start: ['dba'],
      abort: ['dba'],
      rollback: ['dba'],
      rehearse: ['dba'],
      migrate: ['dba'],
      baseline: ['dba'],
      incident_resolve: ['dba', 'infra', 'oncall_lead'],
      attest: ['dba'],
    },
    checkpoints: [
      {
        id: 'cp4',
        title: 'Production stability',
        source: 'CHECKPOINT 4: PRODUCTION STABILITY',
        objective: 'OPT1 is stable in production after 48 hours.',
        environment: 'production',
        window: { start: period.start, end: period.end, decide_at: period.end },
        monitoring: {
          period: { ...period, source: 'Monitoring Period' },
          sampling: { every: options.every ?? '15m', probes: options.probes ?? ['database', 'network'] },
          briefings: {
            source: 'Daily Briefing (09:00 each day):',
            duration: '30m',
            days: days.map((at, i) => ({ at, title: ['Post-migration status', '24-hour analysis', '48-hour decision checkpoint'][i] ?? `Day ${i + 1}`, source: `day ${i + 1}` })),
          },
        },
        criteria: [
          {
            id: 'availability',
            title: 'Availability (99.95%+)',
            source: 'AVAILABILITY - 99.95%+ REQUIRED',
            checks: [
              { id: 'total_uptime', title: 'Total uptime', source: 'Total uptime: 99.95%+ of 48 hours', type: 'stability', params: samples, expect: { metric: 'availability_pct', op: '>=', value: 99.95 } },
              { id: 'unplanned_downtime', title: 'Unplanned downtime', source: 'Unplanned downtime: < 1.5 minutos total', type: 'stability', params: samples, expect: { metric: 'downtime_ms', op: '<', value: 1.5, unit: 'min' } },
            ],
          },
          {
            id: 'performance_maintained',
            title: 'Performance maintained',
            source: 'PERFORMANCE MAINTAINED',
            checks: [
              { id: 'latency_stable', title: 'Q1-Q3 stable', source: 'Query throughput: Stable (no degradation)', type: 'stability', params: samples, expect: { metric: 'latency_degradation_pct', op: '<=', value: options.latencyBoundPct ?? 10 } },
            ],
          },
          {
            id: 'no_critical_incidents',
            title: 'No critical incidents',
            source: 'NO CRITICAL INCIDENTS',
            checks: [
              {
                id: 'zero_critical_incidents',
                title: 'Zero critical incidents',
                source: 'Zero critical incidents',
                type: 'incidents',
                params: { count: options.criticalCount ?? 'open_incidents', severities: [1, 2], since: 'monitoring_start' },
                expect: { metric: 'count', op: '==', value: 0 },
              },
            ],
          },
        ],
        triggers: [
          { id: 'downtime_exceeded', title: 'Unplanned downtime > 1.5 min', source: 'Unplanned downtime > 1.5 minutos', condition: { check: 'unplanned_downtime', metric: 'downtime_ms', op: '>', value: 1.5, unit: 'min' } },
          { id: 'critical_incidents', title: 'Critical incidents (SEV 1-2)', source: 'Critical incidents (severity 1-2)', condition: { check: 'zero_critical_incidents', op: '>', value: 0 } },
        ],
        decisions: [
          {
            phase: 'main',
            outcomes: [
              { id: 'accepted', label: 'ACCEPTED', kind: 'go', when: { failed_criteria: { max: 0 }, triggers: 'none' } },
              { id: 'conditional_acceptance', label: 'CONDITIONAL ACCEPTANCE', kind: 'conditional', when: { failed_criteria: { min: 1, max: 2 }, triggers: 'none' } },
              { id: 'issue_resolution', label: 'ISSUE RESOLUTION REQUIRED', kind: 'nogo', when: { any_of: [{ failed_criteria: { min: 3 } }, { triggers: 'any' }] }, escalate_to: ['cto'] },
            ],
          },
        ],
        signoffs: [
          { role: 'dba', scope: 'performance + stability', source: 'Database Administrator (performance + stability)' },
          { role: 'infra', scope: 'resources + monitoring', source: 'Infrastructure Team (resources + monitoring)' },
        ],
      },
    ],
    incidents: {
      severities: [
        { level: 1, name: 'SEV1', class: 'critical', description: 'Production down, customer impact, immediate action', respond_within: '0m', source: 'SEV 1' },
        { level: 2, name: 'SEV2', class: 'critical', description: 'Production degraded, revenue impact, urgent action', respond_within: '0m', source: 'SEV 2' },
        { level: 3, name: 'SEV3', class: 'major', description: 'Production issue, minor impact, address in 4 hours', respond_within: '4h', source: 'SEV 3' },
        { level: 4, name: 'SEV4', class: 'minor', description: 'Production issue, no impact, address in 24 hours', respond_within: '24h', source: 'SEV 4' },
      ],
      escalation: [
        { level: 1, title: 'Database Administrator (primary)', roles: ['dba'], source: 'Level 1' },
        { level: 2, title: 'Infrastructure Lead (resources/monitoring)', roles: ['infra'], source: 'Level 2' },
        { level: 3, title: 'Application Lead (feature/integration issues)', roles: ['app_lead'], source: 'Level 3' },
        { level: 4, title: 'Tech Lead/CTO (architectural decisions)', roles: ['tech_lead', 'cto'], source: 'Level 4' },
        { level: 5, title: 'Project Manager (stakeholder communication)', roles: ['pm'], source: 'Level 5' },
      ],
    },
  };
  const file = path.join(dir, `${id}.yaml`);
  await writeFile(file, stringify(plan));
  return { dir, file, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Message text and blocks as one searchable string. */
export function messageText(m: { text: string; blocks?: unknown[] | undefined }): string {
  return `${m.text}\n${JSON.stringify(m.blocks ?? [])}`;
}

export function ackText(answer: { json?: unknown; text: string }): string {
  return (answer.json as { text?: string } | undefined)?.text ?? answer.text;
}

/** The latest run of a checkpoint once it has finished. */
export async function waitForDecision(h: Harness, planId: string, checkpointId: string, afterRunId = 0) {
  return h.fake.waitFor(
    async () => {
      const run = await h.core.store.runs.latest(planId, checkpointId);
      return run && run.id > afterRunId && run.status !== 'running' ? run : undefined;
    },
    { timeoutMs: 60_000, description: `a decided run of ${checkpointId}` },
  );
}
