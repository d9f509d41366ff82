import { opaqueToken } from './ids.js';
import type { FakeChannel, FakeUser, SlackFakeOptions } from './types.js';

/** The workspace the fake pretends to be, with defaults filled in. */
export interface FakeIdentity {
  teamId: string;
  teamDomain: string;
  appId: string;
  botUserId: string;
  botId: string;
  channel: FakeChannel;
  users: FakeUser[];
  usergroups: Record<string, string[]>;
  /** Slack's legacy verification token, sent as `token` in every payload. */
  verificationToken: string;
}

export function resolveIdentity(options: SlackFakeOptions): FakeIdentity {
  return {
    teamId: options.teamId ?? 'T0GOLIVE',
    teamDomain: options.teamDomain ?? 'golive-fake',
    appId: options.appId ?? 'A0GOLIVE',
    botUserId: options.botUserId ?? 'U0GOLIVEBOT',
    botId: options.botId ?? 'B0GOLIVE',
    channel: options.channel ?? { id: 'C0GOLIVE', name: 'golive' },
    users: options.users ?? [
      { id: 'U0ALICE', name: 'alice' },
      { id: 'U0BOB', name: 'bob' },
    ],
    usergroups: options.usergroups ?? {},
    verificationToken: opaqueToken(),
  };
}

export function findUser(identity: FakeIdentity, userId: string): FakeUser | undefined {
  return identity.users.find((u) => u.id === userId);
}

/** Users unknown to the fake still get a name, so a test may invent ids freely. */
export function userName(identity: FakeIdentity, userId: string): string {
  return findUser(identity, userId)?.name ?? userId.toLowerCase();
}

export function channelName(identity: FakeIdentity, channelId: string): string {
  if (channelId === identity.channel.id) return identity.channel.name;
  const user = findUser(identity, channelId);
  return user ? `dm-${user.name}` : channelId.toLowerCase();
}

/**
 * Where a chat method may post: the configured channel (by id, name or #name) or a known user
 * (a direct message). The message is recorded under the id that was given for a DM,
 * which is simpler than Slack's separate D… ids and enough for assertions.
 */
export function resolveConversation(identity: FakeIdentity, target: unknown): string | undefined {
  if (typeof target !== 'string' || target === '') return undefined;
  const { channel } = identity;
  if (target === channel.id || target === channel.name || target === `#${channel.name}`) return channel.id;
  if (findUser(identity, target)) return target;
  return undefined;
}
