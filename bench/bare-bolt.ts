import { App, HTTPReceiver, LogLevel } from '@slack/bolt';

/** The anchor for bench:ack: a Bolt app that verifies the signature and acks, nothing else. */
const receiver = new HTTPReceiver({ signingSecret: process.env.SIGNING_SECRET!, logLevel: LogLevel.ERROR });
const app = new App({ token: 'xoxb-bench', botId: 'B1', botUserId: 'U1', receiver, logLevel: LogLevel.ERROR });
app.command('/golive', async ({ ack }) => {
  await ack({ response_type: 'ephemeral', text: 'ok' });
});
await app.start(Number(process.env.PORT));
process.stdout.write('bare bolt listening\n');
