import { defineCheck, type RawOutcome } from './types.js';

/** A person attests it with a button; until then it is pending (the card shows who may attest). */
export const manualCheck = defineCheck({
  type: 'manual',
  defaultTimeoutMs: 1_000,
  async run(params): Promise<RawOutcome> {
    return {
      status: 'pending',
      observed: { attested: false },
      evidence: params.instructions ? { instructions: params.instructions } : {},
      message: 'awaiting attestation',
    };
  },
});
