import type { SignoffService } from '../src/signoff/service.js';
import type { CommandHandler, CommandOf } from './types.js';

/**
 * `/golive cpN signoff`: post the sign-off card of the checkpoint's latest run
 * in this channel (with no run yet, say how to start one). Anyone in the
 * channel may post it; the buttons check who signs.
 */
export function createSignoffCommand(deps: { signoffs: Pick<SignoffService, 'postCard'> }): CommandHandler<CommandOf<'checkpoint'>> {
  return async (command, request) =>
    deps.signoffs.postCard({ planId: command.planId, checkpointId: command.checkpointId, channelId: request.channelId, userId: request.userId });
}
