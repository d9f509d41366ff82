import { z } from 'zod';
import { durationSchema } from './check-types.js';
import { MOMENT_HINT, tryParseMoment } from './time.js';

/** Small shapes the plan schema is built from. */

export { durationSchema, idSchema, queryIdSchema, checkpointIdSchema, tableNameSchema } from './check-types.js';

export const momentSchema = z
  .string({ error: `expected ${MOMENT_HINT}` })
  .refine((v) => tryParseMoment(v) !== undefined, { error: (iss) => `expected ${MOMENT_HINT}, got ${JSON.stringify(iss.input)}` });

/** A duration, or a span of durations (the seed's "+2-3 dias", "1-2 horas"). */
export const rangeSchema = z.union([durationSchema, z.strictObject({ min: durationSchema, max: durationSchema })], {
  error: 'expected a duration like 24h, or { min: 2d, max: 3d }',
});
export type Range = z.output<typeof rangeSchema>;

export const roleIdSchema = z.string().regex(/^[a-z][a-z0-9_]*$/, { error: 'expected a role name in snake_case, like dba' });

/** A line quoted from the seed (verbatim, without tree glyphs). */
export const sourceSchema = z.string().min(1, { error: 'expected the seed text' });

export const windowSchema = z.strictObject({
  start: momentSchema,
  end: momentSchema,
  /** When the decision is taken, if not at the end (cp4: 17:00 on the last day). */
  decide_at: momentSchema.optional(),
  /** How people call it ("SAT 07/02 08:00-17:00"): plan:check compares its weekday with the date. */
  label: z.string().optional(),
  source: sourceSchema.optional(),
});
export type Window = z.output<typeof windowSchema>;

/** Moving a date: "Reschedule (+1 week)", "+2-3 dias (if fixes successful)". */
export const rescheduleSchema = z.strictObject({
  delay: rangeSchema,
  /** What moves (e.g. "staging + production", "OPT1"). */
  what: z.string().optional(),
  /** The case it applies to ("If persistent issues"). */
  when: z.string().optional(),
  source: sourceSchema,
});
export type Reschedule = z.output<typeof rescheduleSchema>;
