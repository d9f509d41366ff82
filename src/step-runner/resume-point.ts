import type { MigrationStep } from '../migration-file/parse.js';
import type { StepRecord } from './types.js';

/**
 * Where an interrupted execution may continue without a person, decided from
 * the verify queries (what the database says now) and the previous execution's
 * record (what the runner knew when it stopped).
 *
 * The rule that matters: a step that started and did not finish cleanly is
 * never re-run on the runner's own authority. If its verify query says it took
 * effect, it is skipped; if not, a person chooses (resume from it, or roll back).
 */
export type ResumePoint =
  | { kind: 'complete' }
  | { kind: 'resume'; index: number }
  | { kind: 'decision'; index: number; reason: string };

/**
 * `verified[i]` is step i's verify answer (null: the query failed); entries may
 * stop after the first one that is not true.
 */
export function findResumePoint(steps: readonly MigrationStep[], verified: ReadonlyArray<boolean | null>, previous: ReadonlyMap<string, StepRecord>): ResumePoint {
  const index = steps.findIndex((_, i) => verified[i] !== true);
  if (index === -1) return { kind: 'complete' };
  const step = steps[index]!;
  const answer = verified[index];
  if (answer === null || answer === undefined) {
    return { kind: 'decision', index, reason: `the verify query of step ${step.name} could not be answered, so its state is unknown` };
  }
  const recorded = previous.get(step.name);
  if (recorded && (recorded.status === 'running' || recorded.status === 'interrupted')) {
    return {
      kind: 'decision',
      index,
      reason: `step ${step.name} was ${recorded.status} when the runner stopped and its verify query says it has not taken effect: ` +
        `re-run it (resume from ${step.name}) only after checking the database, or roll back`,
    };
  }
  if (recorded && recorded.status === 'failed' && !step.transactional) {
    return {
      kind: 'decision',
      index,
      reason: `step ${step.name} runs outside a transaction and failed part-way: its first statements may have been applied; ` +
        `check them, then resume from ${step.name}, or roll back`,
    };
  }
  const laterDone = steps.slice(index + 1).find((s) => {
    const status = previous.get(s.name)?.status;
    return status === 'succeeded' || status === 'skipped';
  });
  if (laterDone) {
    return {
      kind: 'decision',
      index,
      reason: `the verify query of step ${step.name} is false, yet the later step ${laterDone.name} was recorded done: ` +
        `the database and the record disagree; a person must look`,
    };
  }
  return { kind: 'resume', index };
}
