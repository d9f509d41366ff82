import type { Pool } from '../db/pool.js';
import type { MomentContext } from '../plan/time.js';
import type { IncidentFilter, IncidentRecord } from '../store/incidents.js';
import type { SampleQuery, SampleRecord } from '../store/samples.js';

/**
 * What the `stability` and `incidents` checks read from golive's own state
 * (CheckContext.stability): the window's samples, incidents, rollbacks and
 * escalations, and the plan's moment context (a relative plan's start lives
 * in the state DB).
 */
export interface StabilityReader {
  momentContext(planId: string): MomentContext;
  samples(query: SampleQuery): Promise<SampleRecord[]>;
  incidents(filter: IncidentFilter): Promise<IncidentRecord[]>;
  rollbackAttempts(planId: string, environment: string, since: Date): Promise<number>;
  /** Runs decided since `since` with an outcome that escalates (escalate_to), per checkpoint. */
  escalatingRuns(planId: string, since: Date, outcomes: { checkpointId: string; outcomeIds: string[] }[]): Promise<number>;
}

export function createStabilityReader(deps: {
  pool: Pool;
  samples: { list(q: SampleQuery): Promise<SampleRecord[]> };
  incidents: { list(f: IncidentFilter): Promise<IncidentRecord[]>; rollbackAttempts(planId: string, environment: string, since: Date): Promise<number> };
  momentContext(planId: string): MomentContext;
}): StabilityReader {
  return {
    momentContext: deps.momentContext,
    samples: (q) => deps.samples.list(q),
    incidents: (f) => deps.incidents.list(f),
    rollbackAttempts: (planId, environment, since) => deps.incidents.rollbackAttempts(planId, environment, since),
    async escalatingRuns(planId, since, outcomes) {
      let total = 0;
      for (const o of outcomes) {
        if (o.outcomeIds.length === 0) continue;
        const { rows } = await deps.pool.query(
          `SELECT count(*)::int AS n FROM runs
            WHERE plan_id = $1 AND checkpoint_id = $2 AND status = 'complete' AND finished_at >= $3
              AND decision_detail->>'outcome' = ANY($4::text[])`,
          [planId, o.checkpointId, since, o.outcomeIds],
        );
        total += Number(rows[0]?.n ?? 0);
      }
      return total;
    },
  };
}
