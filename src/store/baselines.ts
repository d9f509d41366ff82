import type { Pool, PoolClient } from '../db/pool.js';

/**
 * The "before" timings of a plan's named queries, one row per plan,
 * environment and query (`baselines` table of the first migration). The
 * query_performance check compares its runs with these.
 */

export interface BaselineSample {
  /** Run number after the warm-up (1-based). */
  run: number;
  ms: number;
  /** The parameter values of that run, so a later run can use the same ones. */
  params: Record<string, number | string>;
}

export interface BaselineRecord {
  planId: string;
  environment: string;
  queryId: string;
  medianMs: number;
  p95Ms: number;
  samples: BaselineSample[];
  serverVersion: string | null;
  capturedBy: string;
  capturedAt: Date;
}

/** A query timing a check recorded in a run (the post-cutover reference of cp4). */
export interface RecordedMeasurement {
  ms: number;
  runId: number;
  checkId: string;
  recordedAt: Date;
}

/** What the checks engine hands a check module: reading only. */
export interface BaselineReader {
  get(planId: string, environment: string, queryId: string): Promise<BaselineRecord | undefined>;
  /** The newest `ms` one of these checks recorded in a run of the checkpoint on the environment. */
  latestMeasurement?(planId: string, checkpointId: string, environment: string, checkIds: string[]): Promise<RecordedMeasurement | undefined>;
}

type Queryable = Pool | PoolClient;

const COLUMNS = 'plan_id, environment, query_id, median_ms, p95_ms, samples, server_version, captured_by, captured_at';

export function createBaselineStore(pool: Pool) {
  return {
    async get(planId: string, environment: string, queryId: string): Promise<BaselineRecord | undefined> {
      const { rows } = await pool.query(`SELECT ${COLUMNS} FROM baselines WHERE plan_id = $1 AND environment = $2 AND query_id = $3`, [
        planId,
        environment,
        queryId,
      ]);
      return rows[0] ? toRecord(rows[0]) : undefined;
    },

    /** Every query's baseline of one environment, by query id. */
    async forEnvironment(planId: string, environment: string): Promise<BaselineRecord[]> {
      const { rows } = await pool.query(`SELECT ${COLUMNS} FROM baselines WHERE plan_id = $1 AND environment = $2 ORDER BY query_id`, [planId, environment]);
      return rows.map(toRecord);
    },

    /**
     * Store one environment's baselines at once: all queries or none. Without
     * `replace`, an environment that already has a baseline is left untouched
     * and false is returned (two captures racing: the first one wins).
     */
    async save(records: Omit<BaselineRecord, 'capturedAt'>[], options: { replace: boolean; capturedAt: Date }): Promise<boolean> {
      const first = records[0];
      if (!first) return true;
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        // Serialise captures of one environment: the existence check and the writes see the same state.
        await client.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`golive:baseline:${first.planId}:${first.environment}`]);
        if (!options.replace && (await exists(client, first.planId, first.environment))) {
          await client.query('ROLLBACK');
          return false;
        }
        await client.query(`DELETE FROM baselines WHERE plan_id = $1 AND environment = $2`, [first.planId, first.environment]);
        for (const r of records) {
          await client.query(
            `INSERT INTO baselines (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
            [r.planId, r.environment, r.queryId, r.medianMs, r.p95Ms, JSON.stringify(r.samples), r.serverVersion, r.capturedBy, options.capturedAt],
          );
        }
        await client.query('COMMIT');
        return true;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },

    async latestMeasurement(planId: string, checkpointId: string, environment: string, checkIds: string[]): Promise<RecordedMeasurement | undefined> {
      const { rows } = await pool.query(
        `SELECT (r.observed->>'ms')::float8 AS ms, r.run_id, r.check_id, r.recorded_at
           FROM check_results r JOIN runs u ON u.id = r.run_id
          WHERE u.plan_id = $1 AND u.checkpoint_id = $2 AND (u.environment IS NULL OR u.environment = $3)
            AND r.check_id = ANY($4) AND r.status IN ('pass', 'fail') AND r.observed ? 'ms'
          ORDER BY r.run_id DESC, r.recorded_at DESC LIMIT 1`,
        [planId, checkpointId, environment, checkIds],
      );
      const row = rows[0];
      if (!row || row.ms === null) return undefined;
      return { ms: Number(row.ms), runId: Number(row.run_id), checkId: row.check_id as string, recordedAt: row.recorded_at as Date };
    },

    /** Whether the environment has any baseline stored. */
    async exists(planId: string, environment: string): Promise<boolean> {
      return exists(pool, planId, environment);
    },
  };
}

async function exists(db: Queryable, planId: string, environment: string): Promise<boolean> {
  const { rows } = await db.query(`SELECT 1 FROM baselines WHERE plan_id = $1 AND environment = $2 LIMIT 1`, [planId, environment]);
  return rows.length > 0;
}

function toRecord(row: Record<string, unknown>): BaselineRecord {
  return {
    planId: row.plan_id as string,
    environment: row.environment as string,
    queryId: row.query_id as string,
    medianMs: Number(row.median_ms),
    p95Ms: Number(row.p95_ms),
    samples: (row.samples as BaselineSample[]) ?? [],
    serverVersion: (row.server_version as string | null) ?? null,
    capturedBy: row.captured_by as string,
    capturedAt: row.captured_at as Date,
  };
}

export type BaselineStore = ReturnType<typeof createBaselineStore>;
