import { randomBytes } from 'node:crypto';
import type { Plan } from '../../../src/plan/schema.js';
import { findCheckpoint } from '../../../src/plan/schema.js';
import type { Store } from '../../../src/store/index.js';
import type { ResultStatus, RunRecord } from '../../../src/store/runs.js';

/**
 * A finished cp2 run of the demo plan written through golive's own stores,
 * with figures a report must carry: query timings against a stored
 * baseline, a load test with per-interval figures, a rollback drill, feature
 * checks, a migration execution with its steps. The numbers are chosen to
 * be recognisable in the documents.
 */

export const DBA = 'U0DBA0001';
export const QA = 'U0QAL0001';

export const FIGURES = {
  baseline: { Q1: 2400, Q2: 3100, Q3: 1850 },
  after: { Q1: 2040, Q2: 2420, Q3: 1702 },
  improvement: { Q1: 15, Q2: 21.94, Q3: 8 },
  tps: 123.45,
  p50: 41.5,
  p95: 187.25,
  p99: 402.75,
  transactions: 7407,
  intervals: [
    { tps: 120.5, p95: 180.5 },
    { tps: 125.25, p95: 190.25 },
    { tps: 124.75, p95: 185.75 },
    { tps: 123.3, p95: 192.5 },
  ],
  rollbackMs: [61_250, 58_900, 60_100],
  stepMs: { create_partitions: 4321, copy_data: 98765 },
} as const;

export async function seedCp2Run(store: Store, plan: Plan, options: { status?: (checkId: string) => ResultStatus } = {}): Promise<RunRecord> {
  const cp = findCheckpoint(plan, 'cp2')!;
  const now = new Date();
  const capturedAt = new Date(now.getTime() - 3 * 3600_000);
  await store.baselines.save(
    (['Q1', 'Q2', 'Q3'] as const).map((q) => ({
      planId: plan.id,
      environment: 'staging',
      queryId: q,
      medianMs: FIGURES.baseline[q],
      p95Ms: FIGURES.baseline[q] + 111,
      samples: [{ run: 1, ms: FIGURES.baseline[q], params: {} }],
      serverVersion: '15.8',
      capturedBy: DBA,
    })),
    { replace: true, capturedAt },
  );

  const { rows } = await store.pool.query(
    `INSERT INTO migration_executions (plan_id, environment, file, file_sha256, purpose, status, application_name, started_by, started_at, finished_at)
     VALUES ($1, 'staging', 'plans/opt1/migration.sql', $2, 'migrate', 'succeeded', 'golive:migrate:0', $3, $4, $5) RETURNING id`,
    [plan.id, 'a'.repeat(64), DBA, new Date(now.getTime() - 2 * 3600_000), new Date(now.getTime() - 2 * 3600_000 + 103_086)],
  );
  const executionId = Number(rows[0].id);
  let ordinal = 1;
  for (const [name, ms] of Object.entries(FIGURES.stepMs)) {
    await store.pool.query(
      `INSERT INTO migration_steps (execution_id, ordinal, step_name, status, started_at, finished_at, duration_ms) VALUES ($1, $2, $3, 'succeeded', $4, $4, $5)`,
      [executionId, ordinal++, name, new Date(now.getTime() - 2 * 3600_000), ms],
    );
  }
  await store.audit.append({ actor: DBA, action: 'migrate.succeeded', planId: plan.id, checkpointId: 'cp2', details: { environment: 'staging', text: 'staging migrated: 1 file, 2 steps in 103.1 s. Backup: /tmp/backups/pre-demo-staging.dump' } });

  const { run } = await store.runs.create({ planId: plan.id, checkpointId: 'cp2', environment: 'staging', startedBy: QA, now: new Date(now.getTime() - 3600_000) });
  const status = options.status ?? (() => 'pass');
  const loadEvidence = {
    target: 'postgres://postgres@127.0.0.1:5432/golive_demo_staging',
    clients: 100,
    duration: '20s',
    queries: ['Q1', 'Q2', 'Q3'],
    weights: { Q1: 1, Q2: 1, Q3: 1 },
    capacity: { max_connections: 300, available: 250 },
    connected_at_start: 100,
    peak_connected: 100,
    elapsed_ms: 60_000,
    latency: { count: FIGURES.transactions, min_ms: 3.25, max_ms: 910.5, mean_ms: 55.5, p50_ms: FIGURES.p50, p95_ms: FIGURES.p95, p99_ms: FIGURES.p99 },
    by_query: { Q1: { count: 2469, min_ms: 3.25, max_ms: 900, mean_ms: 50, p50_ms: 40, p95_ms: 180, p99_ms: 400, errors: 0 } },
    errors_by_kind: {},
    error_samples: [],
    intervals: FIGURES.intervals.map((iv, index) => ({ index, start_s: index * 15, seconds: 15, transactions: Math.round(iv.tps * 15), errors: 0, tps: iv.tps, p50_ms: 40, p95_ms: iv.p95 })),
  };
  const loadObserved = {
    clients_connected: 100,
    transactions: FIGURES.transactions,
    tps: FIGURES.tps,
    throughput_degradation_pct: 1.2,
    p50_ms: FIGURES.p50,
    p95_ms: FIGURES.p95,
    p99_ms: FIGURES.p99,
    errors: 0,
    error_rate_pct: 0,
    cpu_peak_pct: 72.5,
    memory_peak_pct: 80.25,
    duration_ms: 60_000,
  };
  const drill = {
    before: { kind: 'partitioned', rows: 200000, checksum: 'abc123', partitions: 60 },
    runs: FIGURES.rollbackMs.map((ms, i) => ({
      n: i + 1,
      rollback_ms: ms,
      within_limit: true,
      rollback_execution: null,
      after_rollback: { kind: 'plain', rows: 200000, checksum: 'abc123', invalid_indexes: [], problems: [] },
      reconnect_ok: true,
      migrate_ms: 90_000 + i,
      migrate_executions: [],
      after_migrate: null,
      ok: true,
    })),
  };

  for (const criterion of cp.criteria) {
    for (const check of criterion.checks) {
      let observed: unknown = {};
      let evidence: unknown = {};
      let message = `${check.title} fine`;
      if (check.type === 'query_performance') {
        const q = String(check.params.query) as 'Q1' | 'Q2' | 'Q3';
        observed = { ms: FIGURES.after[q], reference_ms: FIGURES.baseline[q], baseline_ms: FIGURES.baseline[q], improvement_pct: FIGURES.improvement[q] };
        evidence = { query: q, runs: [{ run: 1, ms: FIGURES.after[q] - 1, params: {} }, { run: 2, ms: FIGURES.after[q], params: {} }], p95_ms: FIGURES.after[q] + 20, reference: { kind: 'baseline' } };
        message = `${q} ${FIGURES.after[q]} ms vs ${FIGURES.baseline[q]} ms baseline`;
      } else if (check.type === 'load_test') {
        observed = loadObserved;
        evidence = loadEvidence;
      } else if (check.type === 'rollback_drill') {
        observed = { runs: 3, successful_runs: 3, failed_runs: 0, max_rollback_ms: Math.max(...FIGURES.rollbackMs), avg_rollback_ms: 60_083.33, recovered_pct: 100, invalid_indexes_after: 0, reconnect_ok: true };
        evidence = drill;
        message = '3 of 3 rollbacks verified';
      }
      await store.runs.recordResult({ runId: run.id, checkId: check.id, criterionId: criterion.id, status: check.type === 'manual' ? 'pending' : status(check.id), observed, expected: null, message, evidence, durationMs: 1234 });
    }
  }
  for (const check of cp.trigger_checks) {
    await store.runs.recordResult({ runId: run.id, checkId: check.id, criterionId: 'triggers', status: 'pass', observed: {}, expected: null, message: 'fine', evidence: {}, durationMs: 10 });
  }
  await store.attestations.record({ runId: run.id, checkId: 'no_manual_interventions', role: 'dba', userId: DBA, note: 'nobody touched staging' });
  return store.runs.finish(run.id, {
    status: 'complete',
    decision: 'GO',
    decisionKind: 'go',
    decisionDetail: { phase: 'main', outcome: 'go', failed_criteria: [] },
    evidenceDigest: randomBytes(32).toString('hex'),
  });
}
