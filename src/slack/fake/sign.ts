import { createHmac } from 'node:crypto';

/**
 * Slack's request signature: `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{raw body}`.
 * The body must be the exact bytes sent: re-encoding a form changes the signature.
 */
export function signSlackRequest(signingSecret: string, rawBody: string, timestampSeconds: number): string {
  const hmac = createHmac('sha256', signingSecret);
  hmac.update(`v0:${timestampSeconds}:${rawBody}`);
  return `v0=${hmac.digest('hex')}`;
}
