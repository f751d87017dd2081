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
import type { SandboxKey } from './keys';
import { formatPermission, parseForCreate } from './permission-strings';
import type { SandboxState } from './state';
import { storeData } from './stores';
import { findUser, type SandboxUser } from './users';

type Reply = ServerResponse;

const CAN_VIEW_STORES = 'btcpay.store.canviewstoresettings';
const CAN_MANAGE_USERS = 'btcpay.server.canmanageusers';

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

function keyData(key: SandboxKey): Record<string, unknown> {
  return { apiKey: key.apiKey, label: key.label, permissions: key.permissions };
}

/** The body of GET /api/v1/users/me (ApplicationUserData). */
export function userData(user: SandboxUser): Record<string, unknown> {
  return {
    id: user.id,
    email: user.email,
    name: null,
    imageUrl: null,
    invitationUrl: null,
    emailConfirmed: user.emailConfirmed,
    requiresEmailConfirmation: user.requiresEmailConfirmation,
    approved: user.approved,
    requiresApproval: user.requiresApproval,
    roles: user.serverAdmin ? ['ServerAdmin'] : [],
    created: Math.floor(user.createdAt / 1000),
    disabled: user.disabled,
    storeQuota: null,
  };
}

function serverInfo(state: SandboxState): Record<string, unknown> {
  const height = state.settings.network === 'mainnet' ? 870_000 : 101;
  return {
    version: state.settings.version,
    onion: 'sandboxbtcpayonionaddressxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.onion',
    supportedPaymentMethods: ['BTC-CHAIN'],
    fullySynched: true,
    syncStatus: [
      {
        paymentMethodId: 'BTC-CHAIN',
        nodeInformation: {
          headers: height,
          blocks: height,
          verificationProgress: 1,
        },
        chainHeight: height,
        syncHeight: height,
        available: true,
      },
    ],
  };
}

type CreateBody =
  | { ok: true; label: string; permissions: string[] }
  | { ok: false; errors: { path: string; message: string }[] };

/** Parses a CreateApiKeyRequest; a bad item yields BTCPay's 422 array. */
function parseCreateBody(text: string, version: string): CreateBody {
  let body: unknown = {};
  try {
    body = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    return { ok: false, errors: [{ path: '', message: 'Invalid JSON' }] };
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return {
      ok: false,
      errors: [{ path: '', message: 'Invalid request body' }],
    };
  }
  const { label, permissions } = body as Record<string, unknown>;
  if (label !== undefined && label !== null && typeof label !== 'string') {
    return { ok: false, errors: [{ path: 'label', message: 'Invalid label' }] };
  }
  if (
    permissions !== undefined &&
    permissions !== null &&
    !Array.isArray(permissions)
  ) {
    return {
      ok: false,
      errors: [{ path: 'permissions', message: 'Invalid permissions' }],
    };
  }
  const parsed: string[] = [];
  for (const [index, raw] of (permissions ?? []).entries()) {
    const permission =
      typeof raw === 'string' ? parseForCreate(raw, version) : null;
    if (!permission) {
      const path = `permissions[${index}]`;
      return {
        ok: false,
        errors: [{ path, message: "Invalid 'Permission' String" }],
      };
    }
    parsed.push(formatPermission(permission));
  }
  return { ok: true, label: label ?? '', permissions: [...new Set(parsed)] };
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

/** Answers a request below /api/v1/; true when the path is a known route. */
export function handleApi(
  state: SandboxState,
  request: SandboxRequest,
  response: Reply,
): void {
  const route = `${request.method} ${request.path.replace(/\/+$/, '')}`;
  let match: RegExpExecArray | null;
  let principal: Principal | null;

  if (route === 'GET /api/v1/health') {
    return sendJson(response, 200, { synchronized: true });
  }
  if (route === 'GET /api/v1/server/info') {
    if (guard(state, request, response, 'apikey-or-basic')) {
      sendJson(response, 200, serverInfo(state));
    }
    return;
  }
  if (route === 'GET /api/v1/api-keys/current') {
    principal = guard(state, request, response, 'apikey-only');
    if (principal?.kind === 'apikey')
      sendJson(response, 200, keyData(principal.key));
    return;
  }
  if (route === 'DELETE /api/v1/api-keys/current') {
    principal = guard(state, request, response, 'apikey-only');
    if (principal?.kind === 'apikey') {
      state.keys.revoke(principal.key.apiKey);
      sendEmpty(response, 200);
    }
    return;
  }
  if (route === 'POST /api/v1/api-keys') {
    principal = guard(
      state,
      request,
      response,
      'apikey-or-basic',
      'unrestricted',
    );
    if (principal) createKey(state, request, response, () => principal!.user);
    return;
  }
  if ((match = /^DELETE \/api\/v1\/api-keys\/([^/]+)$/.exec(route))) {
    principal = guard(
      state,
      request,
      response,
      'apikey-or-basic',
      'unrestricted',
    );
    if (principal)
      revokeOwnedKey(
        state,
        response,
        principal.user,
        decodeURIComponent(match[1]!),
      );
    return;
  }
  if ((match = /^POST \/api\/v1\/users\/([^/]+)\/api-keys$/.exec(route))) {
    const idOrEmail = decodeURIComponent(match[1]!);
    if (guard(state, request, response, 'apikey-or-basic', CAN_MANAGE_USERS)) {
      createKey(
        state,
        request,
        response,
        () => findUser(state.users, idOrEmail) ?? null,
      );
    }
    return;
  }
  if (
    (match = /^DELETE \/api\/v1\/users\/([^/]+)\/api-keys\/([^/]+)$/.exec(
      route,
    ))
  ) {
    if (!guard(state, request, response, 'apikey-or-basic', CAN_MANAGE_USERS))
      return;
    const target = findUser(state.users, decodeURIComponent(match[1]!));
    if (!target) return sendJson(response, 404, userNotFound);
    return revokeOwnedKey(
      state,
      response,
      target,
      decodeURIComponent(match[2]!),
    );
  }
  if (route === 'GET /api/v1/users/me') {
    principal = guard(
      state,
      request,
      response,
      'apikey-or-basic',
      'btcpay.user.canviewprofile',
    );
    if (principal) sendJson(response, 200, userData(principal.user));
    return;
  }
  if (route === 'GET /api/v1/stores') {
    principal = guard(
      state,
      request,
      response,
      'apikey-or-basic',
      CAN_VIEW_STORES,
    );
    if (principal) sendJson(response, 200, listStores(state, principal));
    return;
  }
  // ASP.NET routing: unknown paths are a bare 404.
  sendEmpty(response, 404);
}
