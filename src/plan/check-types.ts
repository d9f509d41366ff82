import { z } from 'zod';
import { DURATION_HINT, tryParseDuration } from './duration.js';
import type { MetricKind } from './units.js';

/**
 * Every check type a plan may name, with the schema of its `params`, the
 * figures it reports and what it reads. This registry is the contract between
 * plans and the checks engine: the engine implements one module per id; a type
 * with no module yet reports `skipped: not implemented`, which keeps its
 * checkpoint from a GO-like decision.
 *
 * Figures are reported in base units: bytes, milliseconds, percent (0-100),
 * plain counts. A check's `expect` names one of `metrics` (or the `primary`).
 *
 * Heavy types (`shared: true`) run once per run for identical params: several
 * checks of one load test or one rollback drill (the seed lists each figure as
 * its own line) share the execution and each judges its own figure. The engine
 * keys executions with `executionKey`.
 */

// ---------- shapes shared by the params schemas ----------

export const durationSchema = z
  .string({ error: `expected ${DURATION_HINT}` })
  .refine((v) => tryParseDuration(v) !== undefined, { error: (iss) => `expected ${DURATION_HINT}, got ${JSON.stringify(iss.input)}` });

/** `table` or `schema.table`, lower-case SQL identifiers (no quoting needed). */
export const tableNameSchema = z
  .string()
  .regex(/^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/, { error: 'expected a table name like public.catalogo_geometrias' });
export const idSchema = z.string().regex(/^[a-z][a-z0-9_]*$/, { error: 'expected an id in snake_case (a-z, 0-9, _)' });
export const queryIdSchema = z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, { error: 'expected a query id like Q1' });
export const checkpointIdSchema = z.string().regex(/^cp[0-9]+$/, { error: 'expected a checkpoint id like cp2' });
const positiveInt = z.number({ error: 'expected a whole number' }).int({ error: 'expected a whole number' }).positive();
const timeout = durationSchema.optional();
const sqlText = z.string().min(1, { error: 'expected SQL text' });

/** Where a comparison takes its reference from. */
export const againstSchema = z.union(
  [
    z.strictObject({ environment: idSchema }),
    z.strictObject({ table: tableNameSchema }),
    z.strictObject({ snapshot: checkpointIdSchema }),
  ],
  { error: 'expected { environment: NAME }, { table: TABLE } or { snapshot: cpN }' },
);

const hostSource = z.enum(['local', 'prometheus'], { error: 'expected local (the worker host) or prometheus' });

// ---------- the registry ----------

export interface CheckTypeDef {
  description: string;
  params: z.ZodType<Record<string, unknown>>;
  /** What it touches: for the engine's concurrency limits and for readers. */
  reads: 'database' | 'host' | 'http' | 'prometheus' | 'state' | 'files' | 'person';
  metrics: Record<string, MetricKind>;
  /** The figure a bare `expect` (no `metric`) compares. */
  primary: string;
  /** true: the type has no pass/fail of its own, so checks must give `expect`. */
  needsExpect: boolean;
  /** true: identical params within one run share one execution. */
  shared?: boolean;
  /** true: runs one at a time with the heavy (shared) checks, never beside another (timings a load test would distort). */
  serial?: boolean;
  /** true: the engine runs it after every other check of the run (it changes what they read: the rollback drill). */
  runsLast?: boolean;
  /** Plan entities the params name, for the loader's cross-checks. */
  refs?: (params: Record<string, unknown>) => CheckRefs;
  /**
   * true (or true for these params): the check changes the database or
   * creates one, so it connects with the environment's owner URL
   * (`url_var`); every other check uses `readonly_url_var` when the plan
   * names one.
   */
  writes?: boolean | ((params: Record<string, unknown>) => boolean);
}

/** Does this check need the environment's owner URL (it writes), rather than its read-only one? */
export function checkWrites(type: string, params: Record<string, unknown>): boolean {
  if (!isCheckTypeId(type)) return false;
  const writes = (checkTypes[type] as CheckTypeDef).writes;
  return typeof writes === 'function' ? writes(params) : writes === true;
}

export interface CheckRefs {
  environments?: string[];
  queries?: string[];
  files?: string[];
  endpoints?: string[];
  checks?: { checkpoint: string; checks: string[] }[];
}

const envOf = (against: unknown): string[] =>
  against && typeof against === 'object' && 'environment' in against ? [String((against as { environment: string }).environment)] : [];
const snapshotOf = (against: unknown): { checkpoint: string; checks: string[] }[] =>
  against && typeof against === 'object' && 'snapshot' in against
    ? [{ checkpoint: String((against as { snapshot: string }).snapshot), checks: [] }]
    : [];

function def<P extends z.ZodType<Record<string, unknown>>>(d: Omit<CheckTypeDef, 'params'> & { params: P }): CheckTypeDef & { params: P } {
  return d;
}

export const checkTypes = {
  connectivity: def({
    description: 'Open a new connection to the environment and run SELECT 1 (proves the path: tunnel, network, auth, server).',
    reads: 'database',
    params: z.strictObject({
      timeout,
      /** Informational: how the path is built (e.g. "SSH tunnel"); the URL variable holds the real route. */
      via: z.string().optional(),
    }),
    metrics: { connected: 'boolean', connect_ms: 'duration', server_version: 'text' },
    primary: 'connected',
    needsExpect: false,
  }),

  latency: def({
    description: 'Round-trip time of N trivial queries on one connection.',
    reads: 'database',
    params: z.strictObject({
      samples: positiveInt.default(20),
      interval: durationSchema.default('100ms'),
      timeout,
    }),
    metrics: { avg_ms: 'duration', p95_ms: 'duration', max_ms: 'duration', min_ms: 'duration', failed: 'count' },
    primary: 'avg_ms',
    needsExpect: true,
  }),

  pool_health: def({
    description: 'K concurrent connections each answer a query within the timeout.',
    reads: 'database',
    params: z.strictObject({
      connections: positiveInt.default(10),
      query: sqlText.default('SELECT 1'),
      timeout,
    }),
    metrics: { answered: 'count', failed: 'count', max_ms: 'duration' },
    primary: 'failed',
    needsExpect: false,
  }),

  backup_location: def({
    description: 'The backup directory exists and is writable (a file is written, read back and removed).',
    reads: 'files',
    params: z.strictObject({ path: z.string().min(1) }),
    metrics: { writable: 'boolean', exists: 'boolean' },
    primary: 'writable',
    needsExpect: false,
  }),

  disk_free: def({
    description: 'Free space on the file system of a path (backup directory) or of the database data directory.',
    reads: 'host',
    params: z
      .strictObject({
        location: z.enum(['path', 'data_directory']).default('path'),
        path: z.string().min(1).optional(),
        source: hostSource.default('local'),
        /** For source prometheus: node_exporter's mountpoint label. */
        mountpoint: z.string().optional(),
      })
      .refine((p) => p.location !== 'path' || p.path !== undefined, { error: 'location path needs path', path: ['path'] }),
    metrics: { free_bytes: 'bytes', total_bytes: 'bytes', free_pct: 'percent' },
    primary: 'free_bytes',
    needsExpect: true,
  }),

  backup_tool: def({
    description: 'A real pg_dump of the environment into the backup directory, then pg_restore --list of the file (and optionally a restore into a scratch database).',
    reads: 'database',
    shared: true,
    // pg_dump only reads; a restore into a scratch database creates one.
    writes: (p) => p.restore_into_scratch === true,
    params: z.strictObject({
      path: z.string().min(1),
      /** Kept under this name when given (the pre-OPT1 backup); otherwise a temporary name, removed after the check. */
      file_name: z.string().min(1).optional(),
      format: z.enum(['custom', 'directory', 'tar']).default('custom'),
      restore_list: z.boolean().default(true),
      restore_into_scratch: z.boolean().default(false),
      jobs: positiveInt.optional(),
      timeout,
    }),
    metrics: { ok: 'boolean', size_bytes: 'bytes', duration_ms: 'duration', toc_entries: 'count', restored: 'boolean' },
    primary: 'ok',
    needsExpect: false,
  }),

  backup_verify: def({
    description: "Verify a backup file: pg_restore --list (mode list), or restore it into a scratch database and count the plan's target table's rows (mode restore).",
    reads: 'database',
    shared: true,
    writes: (p) => p.mode === 'restore',
    params: z.strictObject({
      path: z.string().min(1),
      /** A file in `path`; without it, the newest backup there. */
      file_name: z.string().min(1).optional(),
      mode: z.enum(['list', 'restore']).default('list'),
      timeout,
    }),
    metrics: { ok: 'boolean', toc_entries: 'count', restored_rows: 'count', duration_ms: 'duration' },
    primary: 'ok',
    needsExpect: false,
  }),

  file_checksum: def({
    description: "Migration files exist and their SHA-256 matches the plan's manifest (a mismatch names the file, expected and actual digest).",
    reads: 'files',
    params: z.strictObject({ files: z.array(idSchema).min(1, { error: 'name at least one manifest file id' }) }),
    metrics: { matched: 'count', mismatched: 'count', missing: 'count' },
    primary: 'mismatched',
    needsExpect: false,
    refs: (p) => ({ files: p.files as string[] }),
  }),

  http_probe: def({
    description: 'An HTTP request to a monitoring or application endpoint answering as expected (status, body text, JSON field).',
    reads: 'http',
    params: z
      .strictObject({
        /** An endpoint id from the plan's `endpoints` (URL and credential variable live there). */
        endpoint: idSchema.optional(),
        /** Or a URL; a path starting with / is golive's own web server (local mode stands in for monitoring). */
        url: z.string().min(1).optional(),
        path: z.string().default(''),
        method: z.enum(['GET', 'HEAD']).default('GET'),
        expect_status: z.array(z.number().int()).default([200]),
        body_contains: z.string().optional(),
        json: z
          .strictObject({
            path: z.string().min(1),
            equals: z.union([z.string(), z.number(), z.boolean()]).optional(),
            min_items: z.number().int().nonnegative().optional(),
          })
          .optional(),
        timeout,
      })
      .refine((p) => (p.endpoint === undefined) !== (p.url === undefined), { error: 'give exactly one of endpoint or url' }),
    metrics: { ok: 'boolean', status: 'number', ms: 'duration' },
    primary: 'ok',
    needsExpect: false,
    refs: (p) => ({ endpoints: p.endpoint ? [String(p.endpoint)] : [] }),
  }),

  sql: def({
    description: 'A query whose single value (first column of the first row) is compared with the expectation; read-only unless said.',
    reads: 'database',
    writes: (p) => p.readonly === false,
    params: z.strictObject({ query: sqlText, readonly: z.boolean().default(true), timeout }),
    metrics: { value: 'any' },
    primary: 'value',
    needsExpect: true,
  }),

  host_resources: def({
    description:
      'Host resources of the database server: cores and memory size, or utilisation (avg/peak over a window) of cpu, memory, io, network, or the longest episode above thresholds (sustained). From Prometheus (node_exporter) or the local host.',
    reads: 'host',
    params: z.strictObject({
      resource: z.enum(['cpu_cores', 'memory_total', 'memory_available', 'cpu', 'memory', 'io', 'network', 'sustained']),
      source: hostSource.default('prometheus'),
      /** Utilisation window: Prometheus range; the local source samples this long (keep it short). */
      window: durationSchema.optional(),
      /** For resource sustained: utilisation percent per resource above which a period counts, and how long it must last. */
      thresholds: z.partialRecord(z.enum(['cpu', 'memory', 'io', 'network']), z.number()).optional(),
      sustained_for: durationSchema.optional(),
    }),
    metrics: {
      value: 'any',
      cores: 'count',
      bytes: 'bytes',
      avg_pct: 'percent',
      peak_pct: 'percent',
      min_pct: 'percent',
      sustained_ms: 'duration',
      episodes: 'count',
    },
    primary: 'value',
    needsExpect: true,
  }),

  prometheus: def({
    description: 'A PromQL query (may use {{instance}}, the environment\'s instance label) reduced to one value.',
    reads: 'prometheus',
    params: z.strictObject({
      query: z.string().min(1),
      /** Evaluate over a range and reduce with `aggregate`; without it, an instant query. */
      range: durationSchema.optional(),
      aggregate: z.enum(['last', 'max', 'min', 'avg']).default('last'),
      /** Value when the query returns no series (e.g. no firing alerts = 0). */
      empty_as: z.number().optional(),
    }),
    metrics: { value: 'any' },
    primary: 'value',
    needsExpect: true,
  }),

  db_baseline: def({
    description: 'A figure of the database as it stands (table size, exact row count, index count); snapshot: true stores it as the pre-migration reference later checks compare with.',
    reads: 'database',
    params: z.strictObject({
      measure: z.enum(['table_size', 'total_relation_size', 'row_count', 'index_count']),
      table: tableNameSchema.optional(),
      scope: z.enum(['table', 'database']).default('table'),
      snapshot: z.boolean().default(false),
    }),
    metrics: { value: 'any', bytes: 'bytes', rows: 'count', indexes: 'count' },
    primary: 'value',
    needsExpect: true,
  }),

  amcheck: def({
    description: 'Corruption check with the amcheck extension: verify_heapam on the tables and bt_index_check on their B-tree indexes (AccessShareLock only unless parent_check).',
    reads: 'database',
    params: z.strictObject({
      tables: z.array(tableNameSchema).min(1),
      include_partitions: z.boolean().default(true),
      heap: z.boolean().default(true),
      heapallindexed: z.boolean().default(false),
      /** bt_index_parent_check takes ShareLock (blocks writes): off by default. */
      parent_check: z.boolean().default(false),
      timeout,
    }),
    metrics: { corrupt: 'count', relations_checked: 'count' },
    primary: 'corrupt',
    needsExpect: false,
  }),

  foreign_keys: def({
    description: 'Foreign keys of the tables are validated (convalidated) and, with verify_rows, no row references a missing parent.',
    reads: 'database',
    params: z.strictObject({ tables: z.array(tableNameSchema).min(1), verify_rows: z.boolean().default(true), timeout }),
    metrics: { violations: 'count', not_validated: 'count', orphans: 'count', constraints: 'count' },
    primary: 'violations',
    needsExpect: false,
  }),

  primary_keys: def({
    description: 'The table has its primary key and no duplicate or null key values (across partitions too).',
    reads: 'database',
    params: z.strictObject({ table: tableNameSchema, columns: z.array(z.string()).optional(), timeout }),
    metrics: { duplicates: 'count', nulls: 'count', has_pk: 'boolean' },
    primary: 'duplicates',
    needsExpect: false,
  }),

  row_count_compare: def({
    description: 'Exact row count of a table against a reference: the same table in another environment, another table here (the legacy copy) or a stored snapshot.',
    reads: 'database',
    params: z.strictObject({
      table: tableNameSchema,
      against: againstSchema,
      /** The seed's figure at production scale, shown beside the measurement. */
      expected_rows: z.number().int().nonnegative().optional(),
      timeout,
    }),
    metrics: { rows: 'count', reference_rows: 'count', difference: 'count', variance_pct: 'percent' },
    primary: 'variance_pct',
    needsExpect: true,
    refs: (p) => ({ environments: envOf(p.against), checks: snapshotOf(p.against) }),
  }),

  checksum_compare: def({
    description: 'Content hash of tables (order-independent) against a reference; a mismatch names the table.',
    reads: 'database',
    params: z.strictObject({
      tables: z.union([z.literal('all'), z.array(tableNameSchema).min(1)]),
      against: againstSchema,
      /** hash_record_extended: xor of per-row 64-bit hashes (fast); md5: ordered text digest (slow, exact). */
      algorithm: z.enum(['hash_record_extended', 'md5']).default('hash_record_extended'),
      timeout,
    }),
    metrics: { matched: 'count', mismatched: 'count', tables: 'count' },
    primary: 'mismatched',
    needsExpect: false,
    refs: (p) => ({ environments: envOf(p.against), checks: snapshotOf(p.against) }),
  }),

  partition_distribution: def({
    description: 'Sizes of the partitions of a partitioned table: smallest, largest, their ratio, empty ones, rows in the default partition.',
    reads: 'database',
    params: z.strictObject({
      table: tableNameSchema,
      /** Partition names left out of min/max/ratio (e.g. the default partition, future empty ones). */
      exclude: z.array(z.string()).default([]),
      exclude_empty: z.boolean().default(false),
    }),
    metrics: {
      partitions: 'count',
      min_bytes: 'bytes',
      max_bytes: 'bytes',
      ratio: 'number',
      empty: 'count',
      default_rows: 'count',
    },
    primary: 'partitions',
    needsExpect: true,
  }),

  index_health: def({
    description:
      'Indexes of a table (and its partitions) matching methods/columns/names: present, valid and ready (pg_index), optionally amcheck-clean, their fragmentation (pgstattuple) and usage since a point.',
    reads: 'database',
    params: z.strictObject({
      table: tableNameSchema,
      methods: z.array(z.enum(['btree', 'gist', 'brin', 'gin', 'spgist', 'hash'])).optional(),
      columns: z.array(z.string()).optional(),
      indexes: z.array(z.string()).optional(),
      include_partitions: z.boolean().default(true),
      min_count: z.number().int().nonnegative().default(1),
      amcheck: z.boolean().default(false),
      fragmentation: z.boolean().default(false),
      /** Count indexes with no scans since this point as unused. */
      usage_since: z.enum(['monitoring_start', 'stats_reset']).optional(),
      /** Free text shown with the evidence (what these indexes serve). */
      purpose: z.string().optional(),
    }),
    metrics: {
      count: 'count',
      invalid: 'count',
      not_ready: 'count',
      corrupt: 'count',
      max_fragmentation_pct: 'percent',
      unused: 'count',
    },
    primary: 'invalid',
    needsExpect: false,
  }),

  missing_indexes: def({
    description: 'Indexes the plan expects (method + columns) exist on the table, and (fk_columns) every foreign-key column has an index.',
    reads: 'database',
    params: z.strictObject({
      table: tableNameSchema,
      expected: z
        .array(z.strictObject({ method: z.enum(['btree', 'gist', 'brin', 'gin', 'spgist', 'hash']), columns: z.array(z.string()).min(1) }))
        .default([]),
      fk_columns: z.boolean().default(true),
    }),
    metrics: { missing: 'count' },
    primary: 'missing',
    needsExpect: false,
  }),

  query_performance: def({
    description:
      "Time a named query (runs after warm-up, a statistic over them) and compare with a reference: the captured baseline, one of the query's seed figures, the same query on the shadow environment now, or the post-cutover measurement.",
    reads: 'database',
    serial: true,
    params: z
      .strictObject({
        query: queryIdSchema,
        reference: z.enum(['baseline', 'figure', 'shadow', 'post_cutover']).default('baseline'),
        /** For reference figure: which figure of the query (shadow_ms, expected_ms, …). */
        figure: z.string().optional(),
        runs: positiveInt.default(5),
        warmup: z.number().int().nonnegative().default(1),
        statistic: z.enum(['median', 'mean', 'p95', 'min']).default('median'),
        timeout,
      })
      .refine((p) => p.reference !== 'figure' || p.figure !== undefined, { error: 'reference figure needs figure', path: ['figure'] }),
    metrics: {
      ms: 'duration',
      reference_ms: 'duration',
      baseline_ms: 'duration',
      /** (baseline - ms) / baseline * 100: positive is faster. */
      improvement_pct: 'percent',
      /** ms - reference_ms: positive is slower than the reference. */
      deviation_ms: 'duration',
      deviation_pct: 'percent',
    },
    primary: 'ms',
    needsExpect: true,
    refs: (p) => ({ queries: [String(p.query)], environments: p.reference === 'shadow' ? ['shadow'] : [] }),
  }),

  load_test: def({
    description: "pgbench with N clients for a duration running the plan's named queries; reports throughput and its drift, latency percentiles, errors, connections held, and host CPU/memory peaks.",
    reads: 'database',
    shared: true,
    params: z.strictObject({
      clients: positiveInt,
      jobs: positiveInt.optional(),
      duration: durationSchema,
      queries: z.array(queryIdSchema).min(1),
      weights: z.record(z.string(), z.number().positive()).optional(),
      progress_interval: durationSchema.default('10s'),
      host_metrics: hostSource.default('prometheus'),
    }),
    metrics: {
      clients_connected: 'count',
      transactions: 'count',
      tps: 'number',
      /** Drop of throughput from the first to the last quarter of the run, percent. */
      throughput_degradation_pct: 'percent',
      p50_ms: 'duration',
      p95_ms: 'duration',
      p99_ms: 'duration',
      errors: 'count',
      error_rate_pct: 'percent',
      cpu_peak_pct: 'percent',
      memory_peak_pct: 'percent',
      duration_ms: 'duration',
    },
    primary: 'errors',
    needsExpect: true,
    refs: (p) => ({ queries: p.queries as string[] }),
  }),

  rollback_drill: def({
    description:
      'On the environment: run the migration, then the rollback file, verifying after each rollback row counts, index validity and a fresh application connection; repeated N times with the one step runner.',
    reads: 'database',
    shared: true,
    runsLast: true,
    writes: true,
    params: z.strictObject({
      repetitions: positiveInt.default(3),
      /** Each rollback must finish within this; default: the plan's cutover rollback limit. */
      limit: durationSchema.optional(),
      /** Manifest ids; default: the plan's migration.apply and migration.rollback. */
      migration: z.array(idSchema).optional(),
      rollback: idSchema.optional(),
      /** The migration is applied again at the end so the environment stays migrated. */
      leave_migrated: z.boolean().default(true),
      timeout,
    }),
    metrics: {
      runs: 'count',
      successful_runs: 'count',
      failed_runs: 'count',
      max_rollback_ms: 'duration',
      avg_rollback_ms: 'duration',
      recovered_pct: 'percent',
      invalid_indexes_after: 'count',
      reconnect_ok: 'boolean',
    },
    primary: 'successful_runs',
    needsExpect: true,
    refs: (p) => ({ files: [...((p.migration as string[] | undefined) ?? []), ...(p.rollback ? [String(p.rollback)] : [])] }),
  }),

  feature_smoke: def({
    description:
      'An application feature exercised by a representative SQL query: it must run, return at least min_rows, and (compare) return the same result as the reference environment.',
    reads: 'database',
    params: z.strictObject({
      feature: z.string().min(1),
      query: sqlText,
      min_rows: z.number().int().nonnegative().default(1),
      compare: z.strictObject({ environment: idSchema }).optional(),
      timeout,
    }),
    metrics: { rows: 'count', ms: 'duration', matches: 'boolean', value: 'any' },
    primary: 'rows',
    needsExpect: false,
    refs: (p) => ({ environments: envOf(p.compare) }),
  }),

  partition_pruning: def({
    description:
      "EXPLAIN (ANALYZE) of a query sample on the partitioned table: share of queries whose plan eliminates partitions, and the scan reduction (partitions not scanned / partitions).",
    reads: 'database',
    params: z.strictObject({
      table: tableNameSchema,
      /** Named plan queries and/or the top statements of pg_stat_statements touching the table. */
      queries: z.array(queryIdSchema).default([]),
      statements: z.array(sqlText).default([]),
      pg_stat_statements_top: z.number().int().nonnegative().default(0),
      timeout,
    }),
    metrics: { queries: 'count', pruned_queries: 'count', pruned_pct: 'percent', scan_reduction_pct: 'percent' },
    primary: 'pruned_pct',
    needsExpect: true,
    refs: (p) => ({ queries: p.queries as string[] }),
  }),

  stability: def({
    description:
      'Availability, errors and latency over a window of samples: stored samples (the stability sampler of the monitoring period) or sampled inline during the check (short windows).',
    reads: 'database',
    shared: true,
    params: z
      .strictObject({
        source: z.enum(['samples', 'inline']).default('samples'),
        /** A duration, or monitoring: from the monitoring period's start until now. */
        window: z.union([z.literal('monitoring'), durationSchema]),
        sample_every: durationSchema.default('1m'),
        /** database: a query over the pool; application: an endpoint; network: a fresh connection each sample. */
        probe: z.enum(['database', 'application', 'network']).default('database'),
        endpoint: idSchema.optional(),
        query: z.string().optional(),
        /** Fewer samples than this share of the window makes the check fail as unmeasured. */
        min_coverage_pct: z.number().min(0).max(100).default(90),
      })
      .refine((p) => p.probe !== 'application' || p.endpoint !== undefined, { error: 'probe application needs endpoint', path: ['endpoint'] }),
    metrics: {
      samples: 'count',
      availability_pct: 'percent',
      downtime_ms: 'duration',
      errors: 'count',
      error_rate_pct: 'percent',
      timeouts: 'count',
      timeouts_per_million: 'number',
      failed_per_million: 'number',
      p50_ms: 'duration',
      p95_ms: 'duration',
      p99_ms: 'duration',
      latency_degradation_pct: 'percent',
      throughput_degradation_pct: 'percent',
    },
    primary: 'availability_pct',
    needsExpect: true,
    refs: (p) => ({ endpoints: p.endpoint ? [String(p.endpoint)] : [] }),
  }),

  incidents: def({
    description: "golive's own records: incidents (by severity, open or all), cutover rollbacks, escalations, counted over a period.",
    reads: 'state',
    params: z.strictObject({
      count: z.enum(['incidents', 'open_incidents', 'rollbacks', 'escalations']).default('incidents'),
      severities: z.array(z.number().int().min(1).max(4)).optional(),
      since: z.union([z.enum(['monitoring_start', 'checkpoint_window', 'plan_start']), durationSchema]).default('checkpoint_window'),
    }),
    metrics: { count: 'count' },
    primary: 'count',
    needsExpect: false,
  }),

  prior_result: def({
    description: "Checks of an earlier checkpoint passed in that checkpoint's latest decided run (e.g. the rollback drill of cp2 before the cutover).",
    reads: 'state',
    params: z.strictObject({ checkpoint: checkpointIdSchema, checks: z.array(idSchema).min(1) }),
    metrics: { passed: 'count', failed: 'count' },
    primary: 'failed',
    needsExpect: false,
    refs: (p) => ({ checks: [{ checkpoint: String(p.checkpoint), checks: p.checks as string[] }] }),
  }),

  disk_headroom: def({
    description:
      "Before DDL that copies a table: free space on the database's data volume (statfs on the worker host for a local database or a mounted path; node_exporter through Prometheus for a remote one) against the table's total size (heap, indexes, TOAST, every partition) times a factor for the copy plus its WAL.",
    reads: 'host',
    params: z
      .strictObject({
        table: tableNameSchema,
        /** The copy and the WAL it writes: 2 by default; more for indexes built beside it. */
        factor: z.number().positive().default(2),
        location: z.enum(['data_directory', 'path']).default('data_directory'),
        path: z.string().min(1).optional(),
        /** local: statfs on the worker host; prometheus: the database host's node_exporter. */
        source: hostSource.default('local'),
        /** For source prometheus: node_exporter's mountpoint label of the data volume. */
        mountpoint: z.string().optional(),
        timeout,
      })
      .refine((p) => p.location !== 'path' || p.path !== undefined, { error: 'location path needs path', path: ['path'] })
      .refine((p) => p.source !== 'prometheus' || p.mountpoint !== undefined || p.location === 'path', {
        error: "source prometheus needs mountpoint (node_exporter's mountpoint label of the data volume) or location path",
        path: ['mountpoint'],
      }),
    metrics: { free_bytes: 'bytes', needed_bytes: 'bytes', table_bytes: 'bytes', headroom_bytes: 'bytes', ratio: 'number' },
    primary: 'headroom_bytes',
    needsExpect: false,
  }),

  schema_drift: def({
    description:
      'Schema drift between the environment and a reference (production against staging): tables, columns (type, nullability, default), indexes and constraints compared by definition, names left out; `map` pairs a table with its counterpart there (the migrated staging keeps the original as _legacy), `ignore` leaves tables out.',
    reads: 'database',
    params: z.strictObject({
      against: z.strictObject({ environment: idSchema }),
      schemas: z.array(z.string().regex(/^[a-z_][a-z0-9_]*$/)).min(1).default(['public']),
      /** Compare only these tables (default: every table of the schemas). */
      tables: z.array(tableNameSchema).optional(),
      /** Qualified names to leave out; * matches any characters (public.opt1_*). */
      ignore: z.array(z.string().min(1)).default([]),
      /** This environment's table → the reference's table with the same shape. */
      map: z.record(tableNameSchema, tableNameSchema).default({}),
      timeout,
    }),
    metrics: { drifts: 'count', tables: 'count' },
    primary: 'drifts',
    needsExpect: false,
    refs: (p) => ({ environments: envOf(p.against) }),
  }),

  manual: def({
    description: 'A person holding the named role attests it with a button; pending until then.',
    reads: 'person',
    params: z.strictObject({ instructions: z.string().optional() }),
    metrics: { attested: 'boolean' },
    primary: 'attested',
    needsExpect: false,
  }),
} as const satisfies Record<string, CheckTypeDef>;

export type CheckTypeId = keyof typeof checkTypes;
export const CHECK_TYPE_IDS = Object.keys(checkTypes) as CheckTypeId[];

export function isCheckTypeId(id: string): id is CheckTypeId {
  return Object.hasOwn(checkTypes, id);
}

/** The params of a check type after validation (defaults filled in). */
export type CheckParams<T extends CheckTypeId> = z.output<(typeof checkTypes)[T]['params']>;

/** Validate params for a type; the engine calls this to get typed params. */
export function parseCheckParams<T extends CheckTypeId>(type: T, params: unknown): CheckParams<T> {
  return checkTypes[type].params.parse(params) as CheckParams<T>;
}

/** Checks of a shared type with equal params and environment run once per run. */
export function executionKey(check: { id: string; type: string; params: Record<string, unknown>; environment?: string | undefined }): string {
  const def = isCheckTypeId(check.type) ? (checkTypes[check.type] as CheckTypeDef) : undefined;
  if (!def?.shared) return `check:${check.id}`;
  return `${check.type}:${check.environment ?? ''}:${stableStringify(check.params)}`;
}

export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
