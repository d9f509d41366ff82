import { ephemeral, type CommandReply } from './types.js';

export const USAGE_LINES = [
  '`/golive help` · this list',
  '`/golive status` · every checkpoint of the plan with its state',
  '`/golive cpN status` · a checkpoint: criteria, latest results, sign-offs',
  '`/golive cpN run [ENV]` · run the checkpoint’s checks',
  '`/golive cpN signoff` · post the sign-off card',
  '`/golive cpN report` · build and upload the checkpoint’s documents',
  '`/golive cp3 start|abort|rollback|rehearse` · the production cutover',
  '`/golive cp2 migrate` · back up staging and migrate it',
  '`/golive baseline capture ENV [replace]` · store the “before” query timings',
  '`/golive briefing` · post a briefing now',
  '`/golive incident SEV TEXT` · `/golive incident resolve ID`',
  '`/golive audit [cpN]` · latest audit entries',
  '`/golive ping` · queue round trip',
];

export function usageText(planIds: string[]): string {
  const planNote =
    planIds.length > 1
      ? `\nSeveral plans are loaded (${planIds.map((p) => `\`${p}\``).join(', ')}): put the plan first, e.g. \`/golive ${planIds[0]} cp1 status\`.`
      : '';
  return `*golive* commands:\n${USAGE_LINES.map((l) => `• ${l}`).join('\n')}${planNote}`;
}

export function createHelpCommand(deps: { planIds: () => string[] }) {
  return async (): Promise<CommandReply> => ephemeral(usageText(deps.planIds()));
}
