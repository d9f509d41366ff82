import type { Logger } from '../src/logger.js';
import type { ParsedCommand } from './parse.js';

/** One /golive invocation as the router sees it (fields from Slack's form post). */
export interface CommandRequest {
  userId: string;
  channelId: string;
  text: string;
  responseUrl?: string;
  triggerId?: string;
  logger: Logger;
}

/** The immediate answer, sent in the ack (ephemeral unless the team must see it). */
export interface CommandReply {
  response_type: 'ephemeral' | 'in_channel';
  text: string;
  blocks?: unknown[];
}

export type CommandOf<V extends ParsedCommand['verb']> = Extract<ParsedCommand, { verb: V }>;

export interface CommandHandler<C extends ParsedCommand = ParsedCommand> {
  (command: C, request: CommandRequest): Promise<CommandReply>;
}

export function ephemeral(text: string, blocks?: unknown[]): CommandReply {
  return { response_type: 'ephemeral', text, ...(blocks ? { blocks } : {}) };
}

export function inChannel(text: string, blocks?: unknown[]): CommandReply {
  return { response_type: 'in_channel', text, ...(blocks ? { blocks } : {}) };
}
