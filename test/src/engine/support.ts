import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';

/**
 * A small plan for the engine's tests, written to a temporary directory
 * with its migration files: plan `eng`, checkpoint cp1 whose automated checks
 * all pass against any reachable database, one manual check the PM attests,
 * and a fail trigger on connectivity. cp2 exists for `migrate`.
 */
export interface EnginePlan {
  dir: string;
  file: string;
  backupDir: string;
  remove(): Promise<void>;
}

export interface EnginePlanOptions {
  /** Seconds one sql check of cp1 sleeps (to keep a run in progress). */
  sleepSeconds?: number;
  /** Leave the manual check out (a run then decides without a person). */
  withoutManual?: boolean;
  /** Extra environments (name → variable suffix), e.g. { broken: 'BROKEN' }. */
  extraEnvironments?: string[];
  /** Use the real OPT1 migration files for cp2 migrate. */
  opt1Migrations?: boolean;
}

const id = (text: string) => text;

export async function writeEnginePlan(options: EnginePlanOptions = {}): Promise<EnginePlan> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'golive-engplan-'));
  const backupDir = path.join(dir, 'backups');
  await mkdir(backupDir);
  await mkdir(path.join(dir, 'eng'));
  await writeFile(path.join(dir, 'eng', 'forward.sql'), '-- golive:step name=noop verify="SELECT true"\nSELECT 1;\n');
  await writeFile(path.join(dir, 'eng', 'rollback.sql'), '-- golive:step name=undo verify="SELECT true"\nSELECT 1;\n');
  const opt1 = path.resolve('plans/opt1');

  const manual = options.withoutManual
    ? []
    : [{ id: 'brief_team', title: 'Brief team on timeline', source: 'Brief team on timeline', type: 'manual', attest_by: ['pm'], params: { instructions: 'Tell the team.' } }];
  const environments: Record<string, unknown> = { staging: { url_var: 'GOLIVE_ENV_STAGING_URL' } };
  for (const name of options.extraEnvironments ?? []) environments[name] = { url_var: `GOLIVE_ENV_${name.toUpperCase()}_URL` };

  const plan = {
    id: 'eng',
    title: 'Engine test plan',
    time_zone: 'America/Sao_Paulo',
    schedule: 'absolute',
    target: {
      database: 'eng',
      table: 'public.catalogo_geometrias',
      legacy_table: 'public.catalogo_geometrias_legacy',
      partition_key: 'created_at',
      partition_pattern: 'public.catalogo_geometrias_pYYYYqQ',
      default_partition: 'public.catalogo_geometrias_default',
    },
    environments,
    migration: options.opt1Migrations
      ? {
          files: [
            { id: 'partitioning', path: path.join(opt1, '1770470100_temporal_partitioning_geometrias.sql'), sha256: 'auto', kind: 'migration' },
            { id: 'auto_partitions', path: path.join(opt1, '1770500100_auto_partition_creation_2029_plus.sql'), sha256: 'auto', kind: 'migration' },
            { id: 'rollback', path: path.join(opt1, 'ROLLBACK_OPT1_temporal_partitioning_geometrias.sql'), sha256: 'auto', kind: 'rollback' },
          ],
          apply: ['partitioning', 'auto_partitions'],
          rollback: 'rollback',
          steps: [
            { name: 'create_partitions', file: 'partitioning' },
            { name: 'copy_data', file: 'partitioning' },
            { name: 'create_indexes', file: 'partitioning' },
            { name: 'swap_tables', file: 'partitioning' },
            { name: 'reindex_analyze', file: 'partitioning' },
            { name: 'create_partition_function', file: 'auto_partitions' },
            { name: 'ensure_partitions_now', file: 'auto_partitions' },
          ],
        }
      : {
          files: [
            { id: 'forward', path: 'eng/forward.sql', sha256: 'auto', kind: 'migration' },
            { id: 'rollback', path: 'eng/rollback.sql', sha256: 'auto', kind: 'rollback' },
          ],
          apply: ['forward'],
          rollback: 'rollback',
          steps: [{ name: 'noop', file: 'forward' }],
        },
    roles: { dba: { title: 'Database Administrator' }, pm: { title: 'Project Manager' }, infra: { title: 'Infrastructure Team' } },
    permissions: {
      run: ['dba', 'infra'],
      signoff: ['dba', 'pm', 'infra'],
      start: ['dba'],
      abort: ['dba'],
      rollback: ['dba'],
      rehearse: ['dba'],
      migrate: ['dba'],
      baseline: ['dba'],
      incident_resolve: ['dba'],
      attest: ['dba', 'pm', 'infra'],
    },
    checkpoints: [
      {
        id: 'cp1',
        title: 'Staging pre-validation',
        source: 'CHECKPOINT 1',
        objective: 'Staging is ready.',
        environment: 'staging',
        window: { start: '2026-02-07T08:00', end: '2026-02-07T17:00' },
        criteria: [
          {
            id: 'connectivity',
            title: 'Connectivity validation',
            source: 'CONNECTIVITY VALIDATION',
            checks: [
              { id: 'db_access', title: 'Staging DB accessibility', source: 'Staging DB accessibility', type: 'connectivity', params: {} },
              { id: 'latency', title: 'Network latency', source: 'Network latency: < 50ms average', type: 'latency', params: { samples: 3, interval: '1ms' }, expect: { metric: 'avg_ms', op: '<', value: 1000, unit: 'ms' } },
              { id: 'pool', title: 'Connection pool health', source: 'Connection pool health', type: 'pool_health', params: { connections: 3 } },
            ],
          },
          {
            id: 'backup',
            title: 'Backup strategy validated',
            source: 'BACKUP STRATEGY VALIDATED',
            checks: [
              { id: 'backup_location', title: 'Backup location accessible', source: 'Backup location', type: 'backup_location', params: { path: backupDir } },
              { id: 'disk_space', title: 'Disk space available', source: 'Disk space', type: 'disk_free', params: { path: backupDir }, expect: { metric: 'free_bytes', op: '>', value: 1, unit: 'MB' } },
            ],
          },
          {
            id: 'files',
            title: 'Migration files present',
            source: 'MIGRATION FILES PRESENT',
            checks: [{ id: 'file_forward', title: 'forward.sql', source: 'forward.sql: EXISTS + checksum OK', type: 'file_checksum', params: { files: [options.opt1Migrations ? 'partitioning' : 'forward'] } }],
          },
          {
            id: 'database',
            title: 'Database answers',
            source: 'DATABASE',
            checks: [
              {
                id: 'answers',
                title: 'A query answers',
                source: 'query',
                type: 'sql',
                params: { query: options.sleepSeconds ? `SELECT 1 FROM pg_sleep(${options.sleepSeconds})` : 'SELECT 1' },
                expect: { op: '==', value: 1 },
              },
            ],
          },
          {
            id: 'team',
            title: 'Team ready',
            source: 'TEAM',
            checks: [
              ...manual,
              { id: 'cpu', title: 'CPU cores', source: 'CPU: 4+ cores', type: 'db_baseline', params: { measure: 'index_count', table: 'public.bairros' }, expect: { metric: 'indexes', op: '>=', value: 0 }, optional: true },
            ],
          },
        ],
        triggers: [{ id: 'conn_down', title: 'Staging connectivity down', source: 'Conectividade staging DOWN', condition: { check: 'db_access', status: ['fail', 'error'] } }],
        decisions: [
          {
            phase: 'main',
            outcomes: [
              { id: 'pass', label: 'PASS', kind: 'go', when: { failed_criteria: { max: 0 }, triggers: 'none' }, actions: ['Proceed to CHECKPOINT 2'], next: 'cp2' },
              {
                id: 'hold',
                label: 'HOLD',
                kind: 'nogo',
                when: { any_of: [{ failed_criteria: { min: 1 } }, { triggers: 'any' }] },
                actions: ['Hold staging deployment (24 hours)', 'Investigate failures + remediate'],
                reschedule: [{ delay: '24h', what: 'staging deployment', source: 'Hold staging deployment (24 hours)' }],
              },
            ],
          },
        ],
        signoffs: [{ role: 'dba', scope: 'confirm connectivity + resources', source: 'Database Administrator' }],
      },
      {
        id: 'cp2',
        title: 'Staging sign-off',
        source: 'CHECKPOINT 2',
        objective: 'Staging migrated.',
        environment: 'staging',
        window: { start: '2026-02-14T09:00', end: '2026-02-14T17:00' },
        criteria: [{ id: 'c', title: 'Answers', source: 'x', checks: [{ id: 'q', title: 'q', source: 'q', type: 'sql', params: { query: 'SELECT 1' }, expect: { op: '==', value: 1 } }] }],
        decisions: [
          {
            phase: 'main',
            outcomes: [
              { id: 'go', label: 'GO', kind: 'go', when: { failed_criteria: { max: 0 }, triggers: 'none' } },
              { id: 'nogo', label: 'NO-GO', kind: 'nogo', when: { any_of: [{ failed_criteria: { min: 1 } }, { triggers: 'any' }] } },
            ],
          },
        ],
        signoffs: [{ role: 'dba', scope: 'x', source: 'x' }],
      },
    ],
    incidents: {
      severities: [{ level: 1, name: 'SEV1', class: 'critical', description: 'down', respond_within: '0m', source: 'SEV 1' }],
      escalation: [{ level: 1, title: 'DBA', roles: ['dba'], source: 'Level 1' }],
    },
  };
  const file = path.join(dir, 'eng.yaml');
  await writeFile(file, `# written by test/src/engine/support.ts\n${stringify(plan)}`);
  return { dir, file, backupDir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export const DBA = id('U0DBA0001');
export const PM = id('U0PMG0001');
export const OUTSIDER = id('U0NOBODY1');

/** Everything a person would read in a message's blocks, as one string (for assertions). */
export function blocksText(blocks: unknown): string {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'text' && typeof x === 'string') out.push(x);
        else walk(x);
      }
    }
  };
  walk(blocks);
  return out.join('\n');
}

/** The text of a command's ack (Bolt answers JSON). */
export function ackText(answer: { json?: unknown; text: string }): string {
  const json = answer.json as { text?: string } | undefined;
  return json?.text ?? answer.text;
}
