import { WebClient } from '@slack/web-api';
import type { Logger } from '../logger.js';
import type { MessageStore } from '../store/messages.js';

export interface SlackMessage {
  text: string;
  blocks?: unknown[];
}

export interface ResponseUrlBody extends SlackMessage {
  response_type?: 'ephemeral' | 'in_channel';
  replace_original?: boolean;
  delete_original?: boolean;
}

/** The Web API client every process uses: pointed at SLACK_API_URL, with bounded retries. */
export function createSlackClient(options: { token: string; apiUrl: string; retries?: number }): WebClient {
  return new WebClient(options.token, {
    slackApiUrl: options.apiUrl,
    // WebClient would otherwise retry a failing call for ~30 minutes.
    retryConfig: { retries: options.retries ?? 2, factor: 2, minTimeout: 200, maxTimeout: 2000 },
  });
}

/**
 * How workers talk to the channel. `upsert` posts a message once and updates it
 * in place afterwards, even when the job that does it is delivered again.
 */
export function createSlackPoster(deps: { client: WebClient; messages: MessageStore; logger: Logger }) {
  const { client, messages } = deps;
  return {
    client,

    async post(channelId: string, message: SlackMessage): Promise<string> {
      const result = await client.chat.postMessage({ channel: channelId, text: message.text, blocks: message.blocks as never });
      return result.ts as string;
    },

    async update(channelId: string, ts: string, message: SlackMessage): Promise<void> {
      await client.chat.update({ channel: channelId, ts, text: message.text, blocks: message.blocks as never });
    },

    async upsert(key: string, kind: string, channelId: string, message: SlackMessage): Promise<string> {
      const existing = await messages.get(key);
      if (existing?.ts) {
        await client.chat.update({ channel: existing.channelId, ts: existing.ts, text: message.text, blocks: message.blocks as never });
        return existing.ts;
      }
      const ts = await this.post(channelId, message);
      await messages.save(key, kind, channelId, ts);
      return ts;
    },

    async ephemeral(channelId: string, userId: string, message: SlackMessage): Promise<void> {
      await client.chat.postEphemeral({ channel: channelId, user: userId, text: message.text, blocks: message.blocks as never });
    },

    /** POST to a command's response_url (valid 30 minutes, 5 uses). */
    async respond(responseUrl: string, body: ResponseUrlBody): Promise<void> {
      const res = await fetch(responseUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ response_type: 'ephemeral', ...body }),
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) throw new Error(`response_url answered ${res.status}`);
    },
  };
}

export type SlackPoster = ReturnType<typeof createSlackPoster>;
