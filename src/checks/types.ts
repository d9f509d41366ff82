import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { CheckParams, CheckTypeId } from '../plan/check-types.js';
import type { Expectation, ObservedScalar } from '../plan/expect.js';
import type { Plan } from '../plan/schema.js';
import type { StepRunner } from '../step-runner/index.js';
import type { BaselineReader } from '../store/baselines.js';
import type { StabilityReader } from '../stability/reader.js';
import type { AttestationRecord } from '../store/attestations.js';
import type { CheckResultRecord, RunRecord } from '../store/runs.js';

/**
 * The contract between the engine and one check type's module. A module runs
 * the measurement and says what it saw; the engine (execute.ts) adds the
 * timeout, the duration and the judgement against the plan's `expect`.
 */

export type CheckStatus = 'pass' | 'fail' | 'error' | 'skipped' | 'pending';

/** Figures by metric name, in base units (bytes, ms, percent, counts). */
export type Figures = Record<string, ObservedScalar>;

/** What a module reports. `status` is its own verdict before the plan's expectations are applied. */
export interface RawOutcome {
  status: CheckStatus;
  observed: Figures;
  /** What a DBA wants to see: the query, the file, the server's answer. Never a password. */
  evidence: Record<string, unknown>;
  /** One plain line: why it passed or failed. */
  message: string;
}

/** A check's outcome as stored: judged, timed, with the expectations it was held to. */
export interface CheckOutcome extends RawOutcome {
  durationMs: number;
  /** The plan's expectations with their text ("avg_ms < 50 ms") and whether each held. */
  expected: ExpectedView[];
}

export interface ExpectedView {
  text: string;
  met: boolean | null;
  advisory: boolean;
}

/** Checksums of manifest files marked `auto`, pinned in the state DB. */
export interface ManifestPins {
  get(planId: string, fileId: string): Promise<string | undefined>;
  /** Pin unless pinned already; returns the pinned digest (the earlier one wins). */
  pin(planId: string, fileId: string, sha256: string): Promise<string>;
}

export interface CheckContext {
  plan: Plan;
  /** Manifest and query paths are relative to this directory (the plan file's). */
  planDir: string;
  checkpointId: string;
  environment: string;
  /**
   * The environment's connection URL: its read-only URL when the plan names
   * one (`readonly_url_var`), except for checks that write (registry
   * `writes`), which get the owner URL. Never printed: use redactUrl.
   */
  targetUrl: string;
  /** The environment's owner URL (`url_var`), when it differs from targetUrl; the engine picks between them per check. */
  ownerUrl?: string | undefined;
  timeoutMs: number;
  /** Aborted on timeout or shutdown: a module stops its queries and child processes. */
  signal: AbortSignal;
  clock: Clock;
  logger: Logger;
  pins: ManifestPins;
  /** A variable the plan names (token_var); undefined when unset. */
  readVariable(name: string): string | undefined;
  /** golive's own web server, for endpoint URLs that are paths (/healthz). */
  selfBaseUrl?: string | undefined;
  /** Stored "before" query timings (query_performance compares with them). */
  baselines?: BaselineReader | undefined;
  /** The one step runner, for checks that run migration files (rollback_drill). */
  stepRunner?: StepRunner | undefined;
  /** Another environment's connection URL, for comparisons across environments (row_count_compare, checksum_compare). Never printed. */
  environmentUrl?: ((environment: string) => string | undefined) | undefined;
  /** Earlier runs in the state DB, for prior_result (the rollback drill of cp2 before the cutover). */
  history?: RunHistory | undefined;
  /** golive's own state for the stability and incidents checks: window samples, incidents, rollbacks, escalations. */
  stability?: StabilityReader | undefined;
  /** The check's own expectations (a shared execution gets its first check's): a module that judges itself words its message with them. */
  expectations?: readonly Expectation[] | undefined;
}

export interface CheckImplementation<T extends CheckTypeId = CheckTypeId> {
  type: T;
  /** Used when neither the check nor its params give a timeout. */
  defaultTimeoutMs: number;
  run(params: CheckParams<T>, ctx: CheckContext): Promise<RawOutcome>;
}

/** Helper so each module is typed by its own params without casts. */
export function defineCheck<T extends CheckTypeId>(impl: CheckImplementation<T>): CheckImplementation<T> {
  return impl;
}

/** What prior_result reads of earlier runs. */
export interface RunHistory {
  latestDecided(planId: string, checkpointId: string): Promise<RunRecord | undefined>;
  results(runId: number): Promise<CheckResultRecord[]>;
  attestations(runId: number): Promise<AttestationRecord[]>;
}
