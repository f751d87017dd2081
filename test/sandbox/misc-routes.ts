import type { ServerResponse } from 'node:http';
import { authenticate } from './auth';
import { descendantsOf, type SandboxPolicy } from './hierarchy';
import {
  sendEmpty,
  sendJson,
  wantsHtml,
  type SandboxRequest,
} from './http-util';
import { redirectToLogin } from './login-pages';
import { loggedInUserId } from './session';
import type { SandboxState } from './state';

/** The body of GET /misc/permissions: each policy with all it includes. */
export function permissionsMetadata(
  defined: ReadonlyMap<string, SandboxPolicy>,
): unknown[] {
  return [...defined.keys()].sort().map((name) => ({
    name,
    included: descendantsOf(name, defined),
  }));
}

/** Answers /misc/*; these accept the cookie or any Greenfield credential. */
export function handleMisc(
  state: SandboxState,
  request: SandboxRequest,
  response: ServerResponse,
): boolean {
  if (!request.path.startsWith('/misc/')) return false;
  const path = request.path.replace(/\/+$/, '');
  if (path !== '/misc/permissions' || request.method !== 'GET') {
    sendEmpty(response, 404);
    return true;
  }
  const hasCookie = loggedInUserId(state, request) !== null;
  const outcome = hasCookie
    ? null
    : authenticate(state, request.raw, 'apikey-or-basic');
  if (outcome && !outcome.ok) {
    // A browser (Accept: text/html) is sent to log in instead of a JSON 401.
    if (!request.raw.headers.authorization && wantsHtml(request.raw)) {
      redirectToLogin(request, response);
    } else {
      sendJson(response, 401, outcome.error);
    }
    return true;
  }
  sendJson(response, 200, permissionsMetadata(state.definedPolicies()));
  return true;
}
