import type { ServerResponse } from 'node:http';
import {
  authenticate,
  isAuthorized,
  missingPermission,
  permissionsGrant,
  heldPermissions,
  storeRoleAllows,
  type AcceptedSchemes,
  type Principal,
} from './auth';
import { sendEmpty, sendJson, type SandboxRequest } from './http-util';
import { keyData, parseCreateBody, serverInfo, userData } from './api-bodies';
import type { SandboxState } from './state';
import { storeData } from './stores';
import { findUser, type SandboxUser } from './users';

type Reply = ServerResponse;

const CAN_VIEW_STORES = 'btcpay.store.canviewstoresettings';
const CAN_MANAGE_USERS = 'btcpay.server.canmanageusers';
const CAN_VIEW_PROFILE = 'btcpay.user.canviewprofile';

/** Authenticates and checks one policy; sends the 401/403 itself on failure. */
function guard(
  state: SandboxState,
  request: SandboxRequest,
  response: Reply,
  schemes: AcceptedSchemes,
  policy?: string,
): Principal | null {
  const outcome = authenticate(state, request.raw, schemes);
  if (!outcome.ok) {
    sendJson(response, 401, outcome.error);
    return null;
  }
  const anyScope = policy === CAN_VIEW_STORES;
  if (policy && !isAuthorized(state, outcome.principal, { policy, anyScope })) {
    sendJson(response, 403, missingPermission(policy));
    return null;
  }
  return outcome.principal;
}

function createKey(
  state: SandboxState,
  request: SandboxRequest,
  response: Reply,
  owner: () => SandboxUser | null,
): void {
  const body = parseCreateBody(request.body, state.settings.version);
  if (!body.ok) return sendJson(response, 422, body.errors);
  const user = owner();
  if (!user) return sendJson(response, 404, userNotFound);
  const key = state.keys.create(user.id, body.label, body.permissions);
  sendJson(response, 200, keyData(key));
}

const userNotFound = {
  code: 'user-not-found',
  message: 'The user was not found',
};
const keyNotFound = {
  code: 'apikey-not-found',
  message: 'This apikey does not exists',
};

function revokeOwnedKey(
  state: SandboxState,
  response: Reply,
  user: SandboxUser,
  apiKey: string,
): void {
  const key = state.keys.find(apiKey);
  if (!key || key.userId !== user.id)
    return sendJson(response, 400, keyNotFound);
  state.keys.revoke(apiKey);
  sendEmpty(response, 200);
}

function listStores(state: SandboxState, principal: Principal): unknown[] {
  const held = heldPermissions(principal);
  return state
    .storesOf(principal.user.id)
    .filter(
      (store) =>
        permissionsGrant(held, CAN_VIEW_STORES, store.id) &&
        storeRoleAllows(state, principal.user, store.id, CAN_VIEW_STORES),
    )
    .map(storeData);
}

interface Route {
  method: string;
  pattern: RegExp;
  answer: (
    state: SandboxState,
    request: SandboxRequest,
    response: Reply,
    params: string[],
  ) => void;
}

const ROUTES: Route[] = [
  {
    method: 'GET',
    pattern: /^\/api\/v1\/health$/,
    answer: (_state, _request, response) =>
      sendJson(response, 200, { synchronized: true }),
  },
  {
    method: 'GET',
    pattern: /^\/api\/v1\/server\/info$/,
    answer: (state, request, response) => {
      if (guard(state, request, response, 'apikey-or-basic')) {
        sendJson(response, 200, serverInfo(state));
      }
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/v1\/api-keys\/current$/,
    answer: (state, request, response) => {
      const principal = guard(state, request, response, 'apikey-only');
      if (principal?.kind === 'apikey') {
        sendJson(response, 200, keyData(principal.key));
      }
    },
  },
  {
    method: 'DELETE',
    pattern: /^\/api\/v1\/api-keys\/current$/,
    answer: (state, request, response) => {
      const principal = guard(state, request, response, 'apikey-only');
      if (principal?.kind === 'apikey') {
        state.keys.revoke(principal.key.apiKey);
        sendEmpty(response, 200);
      }
    },
  },
  {
    method: 'POST',
    pattern: /^\/api\/v1\/api-keys$/,
    answer: (state, request, response) => {
      const principal = guard(
        state,
        request,
        response,
        'apikey-or-basic',
        'unrestricted',
      );
      if (principal) createKey(state, request, response, () => principal.user);
    },
  },
  {
    method: 'DELETE',
    pattern: /^\/api\/v1\/api-keys\/([^/]+)$/,
    answer: (state, request, response, [apiKey = '']) => {
      const principal = guard(
        state,
        request,
        response,
        'apikey-or-basic',
        'unrestricted',
      );
      if (principal) revokeOwnedKey(state, response, principal.user, apiKey);
    },
  },
  {
    method: 'POST',
    pattern: /^\/api\/v1\/users\/([^/]+)\/api-keys$/,
    answer: (state, request, response, [idOrEmail = '']) => {
      if (
        guard(state, request, response, 'apikey-or-basic', CAN_MANAGE_USERS)
      ) {
        const target = () => findUser(state.users, idOrEmail) ?? null;
        createKey(state, request, response, target);
      }
    },
  },
  {
    method: 'DELETE',
    pattern: /^\/api\/v1\/users\/([^/]+)\/api-keys\/([^/]+)$/,
    answer: (state, request, response, [idOrEmail = '', apiKey = '']) => {
      if (!guard(state, request, response, 'apikey-or-basic', CAN_MANAGE_USERS))
        return;
      const target = findUser(state.users, idOrEmail);
      if (!target) return sendJson(response, 404, userNotFound);
      revokeOwnedKey(state, response, target, apiKey);
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/v1\/users\/me$/,
    answer: (state, request, response) => {
      const principal = guard(
        state,
        request,
        response,
        'apikey-or-basic',
        CAN_VIEW_PROFILE,
      );
      if (principal) sendJson(response, 200, userData(principal.user));
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/v1\/stores$/,
    answer: (state, request, response) => {
      const principal = guard(
        state,
        request,
        response,
        'apikey-or-basic',
        CAN_VIEW_STORES,
      );
      if (principal) sendJson(response, 200, listStores(state, principal));
    },
  },
];

/** Answers a request below /api/v1/ the way BTCPay's controllers do. */
export function handleApi(
  state: SandboxState,
  request: SandboxRequest,
  response: Reply,
): void {
  // Greenfield's CORS policy lets any origin, header and method through.
  response.setHeader('access-control-allow-origin', '*');
  if (request.method === 'OPTIONS') {
    response.setHeader('access-control-allow-headers', '*');
    response.setHeader('access-control-allow-methods', '*');
    return sendEmpty(response, 204);
  }
  const path = request.path.replace(/\/+$/, '');
  const onPath = ROUTES.map((route) => ({
    route,
    match: route.pattern.exec(path),
  })).filter(({ match }) => match !== null);
  // Literal routes are listed before parameter routes, so the first wins.
  const hit = onPath.find(({ route }) => route.method === request.method);
  if (hit) {
    const params = hit.match!.slice(1).map((part) => decodeURIComponent(part));
    return hit.route.answer(state, request, response, params);
  }
  // ASP.NET routing: a known path with another verb is 405, else a bare 404.
  sendEmpty(response, onPath.length > 0 ? 405 : 404);
}
