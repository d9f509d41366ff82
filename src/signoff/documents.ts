import type { Checkpoint, Plan } from '../plan/schema.js';
import type { RunRecord } from '../store/runs.js';

/**
 * The gate's documents rule (DESIGN.md: "once reports exist, the required
 * documents were generated from that run"). Reports are not built yet, so
 * this placeholder says yes; the reports feature replaces it by passing its
 * own `documentsReady` to createSignoffService.
 */
export type DocumentsReadyHook = (input: { plan: Plan; checkpoint: Checkpoint; run: RunRecord }) => Promise<boolean>;

export const documentsReadyUntilReportsExist: DocumentsReadyHook = async () => true;
