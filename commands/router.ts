import { describeError, explainInfrastructureError, GoliveError } from '../src/errors.js';
import { usageText } from './help.js';
import { parseCommand, type CheckpointAction, type ParsedCommand, type PlanCatalogEntry } from './parse.js';
import { ephemeral, type CommandHandler, type CommandReply, type CommandRequest } from './types.js';

/** Handlers are keyed by verb, and checkpoint actions by `checkpoint:<action>`. */
export type HandlerKey = Exclude<ParsedCommand['verb'], 'checkpoint'> | `checkpoint:${CheckpointAction}`;
export type Handlers = Partial<Record<HandlerKey, CommandHandler<any>>>;

export interface Router {
  handle(request: CommandRequest): Promise<CommandReply>;
  parse(text: string): ReturnType<typeof parseCommand>;
}

export function createCommandRouter(deps: { catalog: () => PlanCatalogEntry[]; handlers: Handlers }): Router {
  const parse = (text: string) => parseCommand(text, deps.catalog());
  return {
    parse,
    async handle(request) {
      const parsed = parse(request.text);
      const planIds = deps.catalog().map((p) => p.id);
      if (!parsed.ok) {
        return ephemeral(`Sorry: ${parsed.problem}.\n\n${usageText(planIds)}`);
      }
      const command = parsed.command;
      const key: HandlerKey = command.verb === 'checkpoint' ? `checkpoint:${command.action}` : command.verb;
      const handler = deps.handlers[key];
      if (!handler) {
        return ephemeral(`\`${request.text.trim()}\` is understood, but this version of golive cannot do it yet.`);
      }
      try {
        return await handler(command, request);
      } catch (err) {
        // A person gets a plain sentence and a code; the log gets the details.
        const known = explainInfrastructureError(err) ?? (err instanceof GoliveError ? err : undefined);
        request.logger.error({ err, command: key }, 'command failed');
        if (known) return ephemeral(`golive could not do that (${known.code}): ${known.message}`);
        return ephemeral(`golive could not do that: ${describeError(err)}`);
      }
    },
  };
}
