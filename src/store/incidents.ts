import type { Pool } from '../db/pool.js';

/**
 * Incidents (`incidents`, first migration; levels and roles added by the
 * stability migration). Recording is idempotent by request key (the slash
 * command's trigger id): a re-delivered command finds the incident it made.
 */

export interface IncidentRecord {
  id: number;
  planId: string;
  severity: string;
  text: string;
  openedBy: string;
  openedAt: Date;
  resolvedBy: string | null;
  resolvedAt: Date | null;
  levels: number | null;
  roles: string[];
  environment: string | null;
  channelId: string | null;
}

export interface IncidentFilter {
  planId: string;
  /** Severity names (SEV1 …); all when omitted. */
  severities?: string[] | undefined;
  /** Opened at or after. */
  since?: Date | undefined;
  /** Opened at or before. */
  until?: Date | undefined;
  openOnly?: boolean | undefined;
}

const COLUMNS = 'id, plan_id, severity, text, opened_by, opened_at, resolved_by, resolved_at, levels, roles, environment, channel_id';

export function createIncidentStore(pool: Pool) {
  return {
    /** The incident, and whether this call created it (false: the request key found an earlier one). */
    async open(input: {
      planId: string;
      severity: string;
      text: string;
      openedBy: string;
      requestKey: string;
      levels: number;
      roles: string[];
      environment?: string | undefined;
      channelId?: string | undefined;
      now: Date;
    }): Promise<{ incident: IncidentRecord; created: boolean }> {
      // Looked up first so a repeat does not use up an incident number (people quote them).
      const seen = await pool.query(`SELECT ${COLUMNS} FROM incidents WHERE request_key = $1`, [input.requestKey]);
      if (seen.rows[0]) return { incident: toRecord(seen.rows[0]), created: false };
      const inserted = await pool.query(
        `INSERT INTO incidents (plan_id, severity, text, opened_by, opened_at, request_key, levels, roles, environment, channel_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (request_key) DO NOTHING
         RETURNING ${COLUMNS}`,
        [input.planId, input.severity, input.text, input.openedBy, input.now, input.requestKey, input.levels, input.roles, input.environment ?? null, input.channelId ?? null],
      );
      if (inserted.rows[0]) return { incident: toRecord(inserted.rows[0]), created: true };
      const { rows } = await pool.query(`SELECT ${COLUMNS} FROM incidents WHERE request_key = $1`, [input.requestKey]);
      return { incident: toRecord(rows[0]), created: false };
    },

    /** The incident just resolved; undefined when it is unknown or was resolved already. */
    async resolve(input: { planId: string; id: number; userId: string; now: Date }): Promise<IncidentRecord | undefined> {
      const { rows } = await pool.query(
        `UPDATE incidents SET resolved_by = $3, resolved_at = $4 WHERE plan_id = $1 AND id = $2 AND resolved_at IS NULL RETURNING ${COLUMNS}`,
        [input.planId, input.id, input.userId, input.now],
      );
      return rows[0] ? toRecord(rows[0]) : undefined;
    },

    async get(planId: string, id: number): Promise<IncidentRecord | undefined> {
      const { rows } = await pool.query(`SELECT ${COLUMNS} FROM incidents WHERE plan_id = $1 AND id = $2`, [planId, id]);
      return rows[0] ? toRecord(rows[0]) : undefined;
    },

    async list(filter: IncidentFilter): Promise<IncidentRecord[]> {
      const { rows } = await pool.query(
        `SELECT ${COLUMNS} FROM incidents
          WHERE plan_id = $1
            AND ($2::text[] IS NULL OR severity = ANY($2::text[]))
            AND ($3::timestamptz IS NULL OR opened_at >= $3)
            AND ($4::timestamptz IS NULL OR opened_at <= $4)
            AND (NOT $5 OR resolved_at IS NULL)
          ORDER BY opened_at, id`,
        [filter.planId, filter.severities ?? null, filter.since ?? null, filter.until ?? null, filter.openOnly === true],
      );
      return rows.map(toRecord);
    },

    /** Executions of the rollback file on an environment since a moment (cp4's "Rollback attempts"). */
    async rollbackAttempts(planId: string, environment: string, since: Date): Promise<number> {
      const { rows } = await pool.query(
        `SELECT count(*)::int AS n FROM migration_executions WHERE plan_id = $1 AND environment = $2 AND purpose = 'rollback' AND started_at >= $3`,
        [planId, environment, since],
      );
      return Number(rows[0]?.n ?? 0);
    },
  };
}

function toRecord(row: Record<string, unknown>): IncidentRecord {
  return {
    id: Number(row.id),
    planId: row.plan_id as string,
    severity: row.severity as string,
    text: row.text as string,
    openedBy: row.opened_by as string,
    openedAt: row.opened_at as Date,
    resolvedBy: (row.resolved_by as string | null) ?? null,
    resolvedAt: (row.resolved_at as Date | null) ?? null,
    levels: row.levels === null || row.levels === undefined ? null : Number(row.levels),
    roles: (row.roles as string[] | null) ?? [],
    environment: (row.environment as string | null) ?? null,
    channelId: (row.channel_id as string | null) ?? null,
  };
}

export type IncidentStore = ReturnType<typeof createIncidentStore>;
