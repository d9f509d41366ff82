import { describe, expect, it } from 'vitest';
import type { MigrationStep } from '../../../src/migration-file/parse.js';
import { findResumePoint } from '../../../src/step-runner/resume-point.js';
import type { StepRecord, StepStatus } from '../../../src/step-runner/types.js';

const step = (name: string, transactional = true): MigrationStep => ({
  name,
  verifySql: 'SELECT true',
  lockTimeout: 0,
  statementTimeout: 0,
  transactional,
  sql: 'SELECT 1',
  statements: [{ sql: 'SELECT 1', line: 1 }],
  line: 1,
});
const steps = [step('a'), step('b', false), step('c')];
const recorded = (entries: Record<string, StepStatus>) =>
  new Map(
    Object.entries(entries).map(([name, status], i): [string, StepRecord] => [
      name,
      { executionId: 1, ordinal: i + 1, stepName: name, status, startedAt: new Date(0), finishedAt: null, durationMs: null, budgetMs: null, error: null },
    ]),
  );

describe('findResumePoint', () => {
  it('is complete when every verify query says the step took effect', () => {
    expect(findResumePoint(steps, [true, true, true], recorded({ a: 'succeeded', b: 'succeeded', c: 'running' }))).toEqual({ kind: 'complete' });
  });

  it('resumes at the first step that has not taken effect and never started', () => {
    expect(findResumePoint(steps, [true, true, false], recorded({ a: 'succeeded', b: 'interrupted' }))).toEqual({ kind: 'resume', index: 2 });
  });

  it('re-runs a transactional step that failed cleanly (its transaction rolled back)', () => {
    expect(findResumePoint(steps, [false], recorded({ a: 'failed' }))).toEqual({ kind: 'resume', index: 0 });
  });

  it('asks a person when the step at the resume point was left running or interrupted', () => {
    for (const status of ['running', 'interrupted'] as const) {
      const point = findResumePoint(steps, [true, false], recorded({ a: 'succeeded', b: status }));
      expect(point).toMatchObject({ kind: 'decision', index: 1 });
    }
  });

  it('asks a person when a non-transactional step failed part-way', () => {
    expect(findResumePoint(steps, [true, false], recorded({ a: 'succeeded', b: 'failed' }))).toMatchObject({ kind: 'decision', index: 1 });
  });

  it('asks a person when a verify query cannot be answered', () => {
    expect(findResumePoint(steps, [true, null], recorded({ a: 'succeeded' }))).toMatchObject({ kind: 'decision', index: 1, reason: expect.stringContaining('could not be answered') });
  });

  it('asks a person when the database and the record disagree (a later step recorded done)', () => {
    expect(findResumePoint(steps, [false], recorded({ a: 'succeeded', b: 'succeeded', c: 'succeeded' }))).toMatchObject({ kind: 'decision', index: 0, reason: expect.stringContaining('disagree') });
  });
});
