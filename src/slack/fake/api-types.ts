import type { FakeIdentity } from './identity.js';
import type { FakeState } from './state.js';

export interface ApiContext {
  state: FakeState;
  identity: FakeIdentity;
  /** The fake's own URL, for upload_url and file links. */
  baseUrl: string;
}

export type ApiResult = { ok: boolean; error?: string } & Record<string, unknown>;

export type ApiMethod = (args: Record<string, unknown>, ctx: ApiContext) => ApiResult;

export function fail(error: string, extra: Record<string, unknown> = {}): ApiResult {
  return { ok: false, error, ...extra };
}

export function stringArg(args: Record<string, unknown>, name: string): string | undefined {
  const value = args[name];
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}
