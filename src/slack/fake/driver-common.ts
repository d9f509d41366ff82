import type { Clock } from '../../clock.js';
import { type BotAnswer, type DeliveryOptions, postToBot } from './bot-request.js';
import { type FakeIdentity, userName } from './identity.js';
import { opaqueToken, triggerId as newTriggerId } from './ids.js';
import { responsePath } from './route-response-url.js';
import type { FakeState, ResponseUrlEntry } from './state.js';

export interface DriverDeps {
  state: FakeState;
  identity: FakeIdentity;
  signingSecret: string;
  signatureClock: Clock;
  /** Throw with a how-to-fix message when not configured yet. */
  botUrl(): string;
  baseUrl(): string;
}

export function issueResponseUrl(deps: DriverDeps, entry: Omit<ResponseUrlEntry, 'id' | 'createdAt' | 'uses'>): string {
  const id = opaqueToken();
  deps.state.responseUrls.set(id, { id, createdAt: deps.state.clock.now(), uses: 0, ...entry });
  return `${deps.baseUrl()}${responsePath(id)}`;
}

/** Remembers the trigger so views.open / views.push can check it came from the fake. */
export function issueTrigger(deps: DriverDeps, userId: string, given?: string, viewId?: string): string {
  const id = given ?? newTriggerId();
  deps.state.triggers.set(id, { userId, issuedAt: deps.state.clock.now(), ...(viewId ? { viewId } : {}) });
  return id;
}

export function userJson(identity: FakeIdentity, userId: string): Record<string, unknown> {
  const name = userName(identity, userId);
  return { id: userId, username: name, name, team_id: identity.teamId };
}

export function teamJson(identity: FakeIdentity): Record<string, unknown> {
  return { id: identity.teamId, domain: identity.teamDomain };
}

/** Sends a signed form body to the bot and tells subscribers how it answered. */
export async function deliver(deps: DriverDeps, kind: string, body: string, options: DeliveryOptions): Promise<BotAnswer> {
  const answer = await postToBot(
    { botUrl: deps.botUrl(), signingSecret: deps.signingSecret, signatureClock: deps.signatureClock },
    body,
    options,
  );
  deps.state.emit({ type: 'bot_request', kind, status: answer.status });
  return answer;
}

/** Interaction payloads travel as one form field, `payload`, holding JSON. */
export function payloadBody(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export function actionTs(deps: DriverDeps): string {
  const ms = deps.state.clock.now().getTime();
  return `${Math.floor(ms / 1000)}.${String((ms % 1000) * 1000).padStart(6, '0')}`;
}
