import type { IncomingMessage } from 'node:http';
import { compareVersions, policyIncludes, policyKind } from './hierarchy';
import type { SandboxKey } from './keys';
import type { SandboxState } from './state';
import { ROLE_POLICIES } from './stores';
import { cannotLoginReason, checkPassword, type SandboxUser } from './users';

/** Who a Greenfield request authenticated as, and how. */
export type Principal =
  | { kind: 'apikey'; user: SandboxUser; key: SandboxKey }
  | { kind: 'basic'; user: SandboxUser };

/** Greenfield's error body: `{code, message}` plus extras for 403. */
export interface ApiError {
  code: string;
  message: string;
  missingPermission?: string;
}

/** The outcome of authenticating: a principal, or the 401 body to send. */
export type AuthOutcome =
  { ok: true; principal: Principal } | { ok: false; error: ApiError };

/** Which Greenfield schemes a route accepts. */
export type AcceptedSchemes = 'apikey-only' | 'apikey-or-basic';

const NEW_ACCOUNT_MS = 5 * 60_000;

function unauthenticated(message: string): AuthOutcome {
  return { ok: false, error: { code: 'unauthenticated', message } };
}

/** Authenticates a Greenfield request the way BTCPay's two handlers do. */
export function authenticate(
  state: SandboxState,
  request: IncomingMessage,
  schemes: AcceptedSchemes,
): AuthOutcome {
  const header = request.headers.authorization ?? '';
  const bearerAllowed = compareVersions(state.settings.version, '2.1.0') >= 0;
  const pattern = bearerAllowed
    ? /^(token|bearer)\s+(\S+)/i
    : /^(token)\s+(\S+)/i;
  const keyMatch = pattern.exec(header);
  if (keyMatch) return authenticateKey(state, keyMatch[2]!);
  if (schemes === 'apikey-or-basic' && /^basic /i.test(header)) {
    return authenticateBasic(state, request, header.slice(6).trim());
  }
  return unauthenticated(
    'Authentication is required for accessing this endpoint',
  );
}

function authenticateKey(state: SandboxState, apiKey: string): AuthOutcome {
  const key = state.keys.find(apiKey);
  if (!key)
    return unauthenticated('ApiKey authentication failed: Unknown API Key');
  const user = state.user(key.userId);
  const refusal = cannotLoginReason(user, state.now());
  if (refusal)
    return unauthenticated(`ApiKey authentication failed: ${refusal}`);
  return { ok: true, principal: { kind: 'apikey', user, key } };
}

/** The client address BTCPay sees: it trusts X-Forwarded-For from anyone. */
export function clientAddress(request: IncomingMessage): string {
  const forwarded = request.headers['x-forwarded-for'];
  const value = Array.isArray(forwarded) ? forwarded.join(',') : forwarded;
  // ASP.NET's forwarded-headers middleware takes the nearest (last) hop.
  const hops = (value ?? '')
    .split(',')
    .map((hop) => hop.trim())
    .filter(Boolean);
  return hops.at(-1) ?? request.socket.remoteAddress ?? 'unknown';
}

/** Why Basic auth refuses this account before its password is checked. */
function basicRefusal(
  user: SandboxUser,
  version: string,
  now: number,
  isNew: boolean,
): string | null {
  const loginRefusal = cannotLoginReason(user, now);
  if (loginRefusal) return `Basic authentication failed: ${loginRefusal}`;
  const from242 = compareVersions(version, '2.4.2') >= 0;
  if (user.hasFido2 || (from242 && user.hasTotp)) {
    return 'Cannot use Basic authentication when multi-factor is enabled.';
  }
  // From 2.4.2 Basic auth is off by default once an account is 5 minutes old.
  if (from242 && !(user.basicAuthEnabled ?? isNew)) {
    return 'Basic authentication for the Greenfield API is not enabled for this user.';
  }
  return null;
}

function authenticateBasic(
  state: SandboxState,
  request: IncomingMessage,
  encoded: string,
): AuthOutcome {
  const { version } = state.settings;
  const now = state.now();
  // BTCPay splits on every ':' and keeps two pieces: a password with ':' is cut.
  const [email = '', password = ''] = Buffer.from(encoded, 'base64')
    .toString('utf8')
    .split(':');
  const user = state.users.find(
    (candidate) => candidate.email.toLowerCase() === email.toLowerCase(),
  );
  const isNew = user !== undefined && now - user.createdAt < NEW_ACCOUNT_MS;
  const throttled = compareVersions(version, '2.3.5') >= 0 && !isNew;
  if (throttled && !state.basicLimiter.take(clientAddress(request), now)) {
    return unauthenticated(
      'Basic authentication failed: Rate limited. Please use authentication with API Keys to avoid throttling.',
    );
  }
  if (!user) {
    return unauthenticated(
      'Basic authentication failed: User not found or invalid password',
    );
  }
  const refusal = basicRefusal(user, version, now, isNew);
  if (refusal) return unauthenticated(refusal);
  const result = checkPassword(user, password, now);
  if (result !== 'Succeeded') return unauthenticated(result);
  return { ok: true, principal: { kind: 'basic', user } };
}

/** What a route requires: a policy, and the store in its path if any. */
export interface Requirement {
  policy: string;
  storeId?: string;
  /** Store routes without a store (GET /api/v1/stores): any scope will do. */
  anyScope?: boolean;
}

/** The permissions a principal holds: Basic always acts as `unrestricted`. */
export function heldPermissions(principal: Principal): string[] {
  return principal.kind === 'basic'
    ? ['unrestricted']
    : principal.key.permissions;
}

/** True when one of `held` grants `policy` for `storeId` (or any store). */
export function permissionsGrant(
  held: string[],
  policy: string,
  storeId?: string,
  anyScope = false,
): boolean {
  return held.some((permission) => {
    const colon = permission.indexOf(':');
    const heldPolicy = colon < 0 ? permission : permission.slice(0, colon);
    const scope = colon < 0 ? undefined : permission.slice(colon + 1);
    if (!policyIncludes(heldPolicy, policy)) return false;
    return scope === undefined || anyScope || scope === storeId;
  });
}

/** True when the user's store role allows `policy` in that store. */
export function storeRoleAllows(
  state: SandboxState,
  user: SandboxUser,
  storeId: string,
  policy: string,
): boolean {
  const store = state.stores.find((candidate) => candidate.id === storeId);
  if (!store) return false;
  const role = store.members.get(user.id);
  if (user.serverAdmin && policy === 'btcpay.store.canviewstoresettings')
    return true;
  if (!role) return false;
  return ROLE_POLICIES[role].some((granted) => policyIncludes(granted, policy));
}

/** BTCPay's permission check: the key narrows, the user's roles cap. */
export function isAuthorized(
  state: SandboxState,
  principal: Principal,
  requirement: Requirement,
): boolean {
  const { policy, storeId, anyScope = false } = requirement;
  const held = heldPermissions(principal);
  if (!permissionsGrant(held, policy, storeId, anyScope)) return false;
  const kind = policyKind(policy);
  if (kind === 'server') return principal.user.serverAdmin;
  if (kind === 'store' && !anyScope) {
    return (
      storeId !== undefined &&
      storeRoleAllows(state, principal.user, storeId, policy)
    );
  }
  return true;
}

/** The 403 body BTCPay sends when a permission check fails. */
export function missingPermission(policy: string): ApiError {
  return {
    code: 'missing-permission',
    message: `Insufficient API Permissions. Please use an API key with permission "${policy}". You can create an API key in your account's settings / Api Keys.`,
    missingPermission: policy,
  };
}
