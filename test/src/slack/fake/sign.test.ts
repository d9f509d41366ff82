import { verifySlackRequest } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { signSlackRequest } from '../../../../src/slack/fake/sign.js';

describe('signSlackRequest', () => {
  it('matches an HMAC computed independently (openssl dgst -sha256 -hmac)', () => {
    const signature = signSlackRequest('fake-signing-secret', 'token=abc&text=hello+world', 1700000000);
    expect(signature).toBe('v0=15f539aaab63a70abd31661dc07e2c449bfac93e34a7cb50c2c36be9c546fd44');
  });

  it("passes Bolt's own verification, and fails it when the body changes", () => {
    const body = 'payload=%7B%22type%22%3A%22block_actions%22%7D';
    const now = Math.floor(Date.now() / 1000);
    const signature = signSlackRequest('s3cret', body, now);
    const headers = { 'x-slack-signature': signature, 'x-slack-request-timestamp': now };
    expect(() => verifySlackRequest({ signingSecret: 's3cret', body, headers })).not.toThrow();
    expect(() => verifySlackRequest({ signingSecret: 's3cret', body: `${body}x`, headers })).toThrow(/signature mismatch/);
  });
});
