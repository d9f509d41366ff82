import { type ApiMethod, fail, stringArg } from './api-types.js';
import { findUser } from './identity.js';

const authTest: ApiMethod = (_args, { identity }) => ({
  ok: true,
  url: `https://${identity.teamDomain}.slack.com/`,
  team: identity.teamDomain,
  user: 'golive',
  team_id: identity.teamId,
  user_id: identity.botUserId,
  bot_id: identity.botId,
  is_enterprise_install: false,
});

const usersInfo: ApiMethod = (args, { identity }) => {
  const id = stringArg(args, 'user');
  const isBot = id === identity.botUserId;
  const user = id ? (isBot ? { id, name: 'golive' } : findUser(identity, id)) : undefined;
  if (!user) return fail('user_not_found');
  return {
    ok: true,
    user: {
      id: user.id,
      team_id: identity.teamId,
      name: user.name,
      real_name: user.name,
      deleted: false,
      is_bot: isBot,
      tz: 'UTC',
      profile: { real_name: user.name, display_name: user.name },
    },
  };
};

const conversationsInfo: ApiMethod = (args, { identity }) => {
  const { channel } = identity;
  if (stringArg(args, 'channel') !== channel.id) return fail('channel_not_found');
  return {
    ok: true,
    channel: {
      id: channel.id,
      name: channel.name,
      is_channel: true,
      is_private: false,
      is_archived: false,
      is_member: true,
      context_team_id: identity.teamId,
    },
  };
};

const usergroupUsers: ApiMethod = (args, { identity }) => {
  const group = stringArg(args, 'usergroup');
  const users = group ? identity.usergroups[group] : undefined;
  if (!users) return fail('no_such_subteam');
  return { ok: true, users: [...users] };
};

export const directoryMethods: Record<string, ApiMethod> = {
  'auth.test': authTest,
  'users.info': usersInfo,
  'conversations.info': conversationsInfo,
  'usergroups.users.list': usergroupUsers,
};
