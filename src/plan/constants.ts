/** Fixed vocabularies of the plan format, shared by the schema, the cross-checks and the decision. */

export const CHECK_STATUSES = ['pass', 'fail', 'error', 'skipped', 'pending'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

/** How a cutover ended; a cutover decision needs one of these. */
export const CUTOVER_STATES = ['completed', 'aborted', 'rolled_back', 'failed'] as const;
export type CutoverState = (typeof CUTOVER_STATES)[number];

export const OUTCOME_KINDS = ['go', 'conditional', 'nogo'] as const;
export type OutcomeKind = (typeof OUTCOME_KINDS)[number];

/** Commands that change things: the plan names the roles allowed each. */
export const COMMANDS = ['run', 'signoff', 'start', 'abort', 'rollback', 'rehearse', 'migrate', 'baseline', 'incident_resolve', 'attest'] as const;
/** Commands that anyone in the channel may use unless the plan names roles for them. */
export const OPEN_COMMANDS = ['report', 'briefing', 'incident_open'] as const;
export type Command = (typeof COMMANDS)[number] | (typeof OPEN_COMMANDS)[number];
