import type { Pool } from '../db/pool.js';

/**
 * Alert state (`stability_alerts`): at most one open alert per plan,
 * environment and metric, enforced by a partial unique index. Opening and
 * clearing are single statements that say whether they changed anything, so
 * the caller posts only when it did: once when an alert opens, once when it
 * clears, however many samples break the threshold in between.
 */

export interface AlertRecord {
  id: number;
  planId: string;
  environment: string;
  metric: string;
  severity: string;
  openedAt: Date;
  openedValue: unknown;
  detail: string;
  clearedAt: Date | null;
  clearedValue: unknown;
}

const COLUMNS = 'id, plan_id, environment, metric, severity, opened_at, opened_value, detail, cleared_at, cleared_value';

export function createAlertStore(pool: Pool) {
  return {
    /** The new alert, or undefined when one is open already for that metric. */
    async open(input: { planId: string; environment: string; metric: string; severity: string; detail: string; value: unknown; now: Date }): Promise<AlertRecord | undefined> {
      const { rows } = await pool.query(
        `INSERT INTO stability_alerts (plan_id, environment, metric, severity, opened_at, opened_value, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (plan_id, environment, metric) WHERE cleared_at IS NULL DO NOTHING
         RETURNING ${COLUMNS}`,
        [input.planId, input.environment, input.metric, input.severity, input.now, JSON.stringify(input.value ?? null), input.detail],
      );
      return rows[0] ? toRecord(rows[0]) : undefined;
    },

    /** The alert just cleared, or undefined when none was open. */
    async clear(input: { planId: string; environment: string; metric: string; value: unknown; now: Date }): Promise<AlertRecord | undefined> {
      const { rows } = await pool.query(
        `UPDATE stability_alerts SET cleared_at = $4, cleared_value = $5
          WHERE plan_id = $1 AND environment = $2 AND metric = $3 AND cleared_at IS NULL
          RETURNING ${COLUMNS}`,
        [input.planId, input.environment, input.metric, input.now, JSON.stringify(input.value ?? null)],
      );
      return rows[0] ? toRecord(rows[0]) : undefined;
    },

    async openFor(planId: string, environment?: string): Promise<AlertRecord[]> {
      const { rows } = await pool.query(
        `SELECT ${COLUMNS} FROM stability_alerts WHERE plan_id = $1 AND ($2::text IS NULL OR environment = $2) AND cleared_at IS NULL ORDER BY opened_at`,
        [planId, environment ?? null],
      );
      return rows.map(toRecord);
    },

    /** Alerts opened in [from, to), for the briefing. */
    async openedBetween(planId: string, from: Date, to: Date): Promise<AlertRecord[]> {
      const { rows } = await pool.query(
        `SELECT ${COLUMNS} FROM stability_alerts WHERE plan_id = $1 AND opened_at >= $2 AND opened_at < $3 ORDER BY opened_at`,
        [planId, from, to],
      );
      return rows.map(toRecord);
    },
  };
}

function toRecord(row: Record<string, unknown>): AlertRecord {
  return {
    id: Number(row.id),
    planId: row.plan_id as string,
    environment: row.environment as string,
    metric: row.metric as string,
    severity: row.severity as string,
    openedAt: row.opened_at as Date,
    openedValue: row.opened_value,
    detail: row.detail as string,
    clearedAt: (row.cleared_at as Date | null) ?? null,
    clearedValue: row.cleared_value,
  };
}

export type AlertStore = ReturnType<typeof createAlertStore>;
