import type pg from 'pg';
import { GoliveError, describeError } from '../errors.js';
import { settingValue } from '../migration-file/duration.js';
import type { MigrationFile, MigrationStep } from '../migration-file/parse.js';

/**
 * A plain sequential executor for marked migration files: what demo:setup
 * uses to migrate shadow and what the tests use to walk a migration step by
 * step. It records nothing and holds no lock; the step runner (with its state
 * DB records, advisory lock and resume) is the one to use on environments.
 */

export interface AppliedStep {
  name: string;
  durationMs: number;
}

/** Run one step on `client`, then its verify query; throws if either fails. */
export async function applyStep(client: pg.ClientBase, step: MigrationStep, fileName = 'migration'): Promise<AppliedStep> {
  const started = performance.now();
  const lock = settingValue(step.lockTimeout);
  const statement = settingValue(step.statementTimeout);
  let line = step.line;
  try {
    if (step.transactional) {
      await client.query('BEGIN');
      try {
        await client.query(`SET LOCAL lock_timeout = '${lock}'; SET LOCAL statement_timeout = '${statement}'`);
        // One simple-protocol query carrying the whole body: one round trip.
        await client.query(step.sql);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      }
    } else {
      await client.query(`SET lock_timeout = '${lock}'; SET statement_timeout = '${statement}'`);
      try {
        for (const s of step.statements) {
          line = s.line;
          await client.query(s.sql);
        }
      } finally {
        await client.query('RESET lock_timeout; RESET statement_timeout').catch(() => {});
      }
    }
  } catch (err) {
    throw new GoliveError('MIGRATION_STEP_FAILED', `${fileName}:${line}: step "${step.name}" failed: ${describeError(err)}`, { cause: err });
  }
  if (!(await verifyStep(client, step))) {
    throw new GoliveError(
      'MIGRATION_STEP_NOT_VERIFIED',
      `${fileName}:${step.line}: step "${step.name}" ran, but its verify query returned false: its effect is not in place`,
    );
  }
  return { name: step.name, durationMs: performance.now() - started };
}

/** The step's verify query, as a boolean (an empty result or NULL is false). */
export async function verifyStep(client: pg.ClientBase, step: MigrationStep): Promise<boolean> {
  const result = await client.query({ text: step.verifySql, rowMode: 'array' });
  const first = result.rows[0] as unknown[] | undefined;
  return first?.[0] === true;
}

/** Run steps in order (all of the file's by default), stopping at the first failure. */
export async function applySteps(
  client: pg.ClientBase,
  file: MigrationFile,
  options: { steps?: MigrationStep[]; log?: (line: string) => void } = {},
): Promise<AppliedStep[]> {
  const applied: AppliedStep[] = [];
  for (const step of options.steps ?? file.steps) {
    const done = await applyStep(client, step, file.fileName);
    options.log?.(`  ${step.name}: ${(done.durationMs / 1000).toFixed(1)} s`);
    applied.push(done);
  }
  return applied;
}
