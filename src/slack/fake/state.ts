import type { Clock } from '../../clock.js';
import { createTsGenerator } from './ids.js';
import type {
  FakeEphemeral,
  FakeFile,
  FakeMessage,
  FakeView,
  RecordedCall,
  ResponseUrlPost,
  SlackFakeEvent,
  SlackFakeListener,
} from './types.js';

/** What a response_url remembers: where it came from and how often it was used. */
export interface ResponseUrlEntry {
  id: string;
  createdAt: Date;
  uses: number;
  channelId: string;
  userId: string;
  /** The message a block action came from: replace_original / delete_original act on it. */
  source?: { channel: string; ts: string; ephemeral: boolean };
}

export interface TriggerEntry {
  userId: string;
  issuedAt: Date;
  /** Set when the trigger came from an interaction inside a modal (views.push needs it). */
  viewId?: string;
}

/**
 * Everything the fake has seen, in memory. Routes and the driver change it only through
 * these arrays and maps, then call `emit` so subscribers (tests, the emulator page) follow.
 */
export interface FakeState {
  clock: Clock;
  calls: RecordedCall[];
  messages: FakeMessage[];
  ephemerals: FakeEphemeral[];
  responses: ResponseUrlPost[];
  views: Map<string, FakeView>;
  files: Map<string, FakeFile>;
  responseUrls: Map<string, ResponseUrlEntry>;
  triggers: Map<string, TriggerEntry>;
  nextTs(): string;
  emit(event: SlackFakeEvent): void;
  subscribe(listener: SlackFakeListener): () => void;
  reset(): void;
}

export function createFakeState(clock: Clock): FakeState {
  const listeners = new Set<SlackFakeListener>();
  const state: FakeState = {
    clock,
    calls: [],
    messages: [],
    ephemerals: [],
    responses: [],
    views: new Map(),
    files: new Map(),
    responseUrls: new Map(),
    triggers: new Map(),
    // ts values stay increasing across reset() so an old ts can never match a new message.
    nextTs: createTsGenerator(() => clock.now().getTime()),
    emit(event) {
      for (const listener of [...listeners]) {
        try {
          listener(event);
        } catch {
          // A broken subscriber must not break the Slack API the bot is talking to.
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    reset() {
      state.calls.length = 0;
      state.messages.length = 0;
      state.ephemerals.length = 0;
      state.responses.length = 0;
      state.views.clear();
      state.files.clear();
      state.responseUrls.clear();
      state.triggers.clear();
      state.emit({ type: 'reset' });
    },
  };
  return state;
}

export function findMessage(state: FakeState, channel: string, ts: string): FakeMessage | undefined {
  return state.messages.find((m) => m.channel === channel && m.ts === ts);
}

export function findEphemeral(state: FakeState, channel: string, ts: string): FakeEphemeral | undefined {
  return state.ephemerals.find((e) => e.channel === channel && e.ts === ts);
}
