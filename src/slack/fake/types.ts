import type { Clock } from '../../clock.js';

/** A Block Kit block as sent by the bot: kept as plain JSON, the fake only inspects it. */
export type Block = Record<string, unknown>;

export interface FakeUser {
  id: string;
  name: string;
}

export interface FakeChannel {
  id: string;
  name: string;
}

export interface SlackFakeOptions {
  signingSecret: string;
  botToken: string;
  /** Full URL of the bot's `POST /slack/events`; can be set later with `fake.setBotUrl`. */
  botUrl?: string;
  /**
   * Where the fake is reachable (used in `upload_url` and `response_url`). `listen()` sets it;
   * a process that mounts `fake.handler` passes its own URL here or calls `setBaseUrl`.
   */
  baseUrl?: string;
  teamId?: string;
  teamDomain?: string;
  appId?: string;
  botUserId?: string;
  botId?: string;
  channel?: FakeChannel;
  users?: FakeUser[];
  /** usergroup id -> user ids, served by usergroups.users.list. */
  usergroups?: Record<string, string[]>;
  /** Message ts, recorded times and response_url expiry follow this clock. */
  clock?: Clock;
  /**
   * Request signatures follow this clock. Bolt compares them with its own wall clock,
   * so it must stay the system clock even when `clock` is a manual one.
   */
  signatureClock?: Clock;
}

export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  at: Date;
  ok: boolean;
  error?: string;
}

export interface FakeFile {
  id: string;
  filename: string;
  title: string;
  /** Length announced in files.getUploadURLExternal. */
  length: number;
  bytes?: Buffer;
  uploadedAt?: Date;
  completedAt?: Date;
  channelId?: string;
  /** Where the bytes can be downloaded from the fake. */
  downloadUrl: string;
}

export type MessageSource = 'api' | 'response_url' | 'command_ack' | 'file_upload';

export interface FakeMessage {
  channel: string;
  ts: string;
  text: string;
  blocks?: Block[];
  user: string;
  botId: string;
  threadTs?: string;
  files: FakeFile[];
  /** How many times chat.update or replace_original changed it. */
  updated: number;
  postedAt: Date;
  updatedAt?: Date;
  via: MessageSource;
}

export interface FakeEphemeral {
  channel: string;
  /** The user who alone sees it. */
  user: string;
  ts: string;
  text: string;
  blocks?: Block[];
  updated: number;
  postedAt: Date;
  via: MessageSource;
}

export type ResponseEffect = 'posted_ephemeral' | 'posted_in_channel' | 'replaced' | 'deleted' | 'rejected';

export interface ResponseUrlPost {
  responseUrlId: string;
  body: Record<string, unknown>;
  at: Date;
  status: number;
  effect: ResponseEffect;
  error?: string;
  /** The message or ephemeral that was posted, replaced or deleted. */
  target?: { channel: string; ts: string; ephemeral: boolean };
}

export interface FakeView {
  id: string;
  userId: string;
  /** The view JSON as the bot last sent it. */
  view: Record<string, unknown>;
  hash: string;
  rootViewId: string;
  previousViewId?: string;
  openedAt: Date;
  updatedAt: Date;
  open: boolean;
  /** Errors from the last view_submission answered with response_action "errors". */
  lastErrors?: Record<string, string>;
}

export type SlackFakeEvent =
  | { type: 'call'; call: RecordedCall }
  | { type: 'message'; message: FakeMessage }
  | { type: 'message_updated'; message: FakeMessage }
  | { type: 'message_deleted'; channel: string; ts: string }
  | { type: 'ephemeral'; ephemeral: FakeEphemeral }
  | { type: 'ephemeral_updated'; ephemeral: FakeEphemeral }
  | { type: 'ephemeral_deleted'; channel: string; ts: string; user: string }
  | { type: 'response'; response: ResponseUrlPost }
  | { type: 'view'; view: FakeView }
  | { type: 'file'; file: FakeFile }
  | { type: 'bot_request'; kind: string; status: number }
  | { type: 'reset' };

export type SlackFakeListener = (event: SlackFakeEvent) => void;
