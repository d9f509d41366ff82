import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from './http-util.js';
import type { FakeIdentity } from './identity.js';
import { handleApiCall } from './route-api.js';
import { handleDownload, handleUpload } from './route-files.js';
import { handleResponseUrl } from './route-response-url.js';
import type { FakeState } from './state.js';

export const FAKE_PREFIX = '/slack-fake/';

export interface RouteDeps {
  state: FakeState;
  identity: FakeIdentity;
  botToken: string;
  /** The configured base URL, or undefined to use the Host the request came to. */
  baseUrl(): string | undefined;
}

export type FakeRequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/**
 * Answers `/slack-fake/*` and leaves every other path alone (returns false without reading
 * the body), so the web process can mount the fake in front of its own routes.
 */
export function createFakeHandler(deps: RouteDeps): FakeRequestHandler {
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    if (!url.pathname.startsWith(FAKE_PREFIX)) return false;
    const [area, rawId, ...rest] = url.pathname.slice(FAKE_PREFIX.length).split('/');
    const id = rawId ? decodeURIComponent(rawId) : '';
    const method = req.method ?? 'GET';
    try {
      if (rest.length > 0 || id === '') {
        sendJson(res, 404, { ok: false, error: 'not_found' });
      } else if (area === 'api' && method === 'POST') {
        const baseUrl = deps.baseUrl() ?? `http://${req.headers.host ?? '127.0.0.1'}`;
        await handleApiCall(req, res, id, { state: deps.state, identity: deps.identity, botToken: deps.botToken, baseUrl });
      } else if (area === 'upload' && method === 'POST') {
        await handleUpload(req, res, id, deps.state);
      } else if (area === 'files' && method === 'GET') {
        handleDownload(res, id, deps.state);
      } else if (area === 'response' && method === 'POST') {
        await handleResponseUrl(req, res, id, deps);
      } else {
        sendJson(res, 404, { ok: false, error: 'not_found' });
      }
    } catch (err) {
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: 'fake_internal_error', detail: String(err) });
      else res.destroy();
    }
    return true;
  };
}
