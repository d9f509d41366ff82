import type { Clock } from '../../clock.js';
import { signSlackRequest } from './sign.js';

/** Ways a request can fail Slack's signature check, to test that the bot refuses them. */
export type Tamper = 'missing-signature' | 'wrong-signature' | 'stale' | 'body-changed';

export interface DeliveryOptions {
  retryNum?: number;
  retryReason?: string;
  tamper?: Tamper;
}

export interface BotAnswer {
  status: number;
  /** The raw body of the bot's HTTP answer. */
  text: string;
  /** The body parsed, when it was JSON. */
  json?: unknown;
}

/** Well past Bolt's 5-minute window. */
const STALE_BY_SECONDS = 10 * 60;

/**
 * POSTs a form body to the bot the way Slack does: the exact content type Bolt compares
 * against (no charset), a string body, and the signature over those exact bytes.
 */
export async function postToBot(
  target: { botUrl: string; signingSecret: string; signatureClock: Clock },
  body: string,
  options: DeliveryOptions = {},
): Promise<BotAnswer> {
  const { tamper } = options;
  let timestamp = Math.floor(target.signatureClock.now().getTime() / 1000);
  if (tamper === 'stale') timestamp -= STALE_BY_SECONDS;
  const secret = tamper === 'wrong-signature' ? `${target.signingSecret}-not` : target.signingSecret;
  const headers: Record<string, string> = {
    'Content-Type': 'application/x-www-form-urlencoded',
    'X-Slack-Request-Timestamp': String(timestamp),
  };
  if (tamper !== 'missing-signature') headers['X-Slack-Signature'] = signSlackRequest(secret, body, timestamp);
  if (options.retryNum !== undefined) {
    headers['X-Slack-Retry-Num'] = String(options.retryNum);
    headers['X-Slack-Retry-Reason'] = options.retryReason ?? 'http_timeout';
  }
  const sent = tamper === 'body-changed' ? `${body}&tampered=1` : body;
  const response = await fetch(target.botUrl, { method: 'POST', headers, body: sent });
  const text = await response.text();
  return { status: response.status, text, ...parseJson(text) };
}

function parseJson(text: string): { json?: unknown } {
  if (text.trim() === '') return {};
  try {
    return { json: JSON.parse(text) as unknown };
  } catch {
    return {};
  }
}
