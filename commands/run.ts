import type { Engine } from '../src/engine/index.js';
import { ephemeral, type CommandHandler, type CommandOf } from './types.js';

/** `/golive cpN run [ENV]`: start a run; its card appears in the channel at once. */
export function createRunCommand(deps: { engine: Pick<Engine, 'startRun'> }): CommandHandler<CommandOf<'checkpoint'>> {
  return async (command, request) => {
    const result = await deps.engine.startRun({
      planId: command.planId,
      checkpointId: command.checkpointId,
      environment: command.environment,
      userId: request.userId,
      channelId: request.channelId,
      requestKey: request.triggerId ? `run-${request.triggerId}` : undefined,
    });
    switch (result.kind) {
      case 'refused':
        return ephemeral(`Not started: ${result.message}`);
      case 'duplicate':
        return ephemeral(`Run #${result.run.number} of ${result.run.checkpointId} was already started by this command.`);
      case 'started':
        return ephemeral(
          `Run #${result.run.number} of ${result.run.checkpointId} started on ${result.run.environment}: ${result.checks} checks. Its card in the channel follows it.`,
        );
    }
  };
}
