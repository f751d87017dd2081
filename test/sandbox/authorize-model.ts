import { policyKind, type SandboxPolicy } from './hierarchy';
import type { SandboxKey } from './keys';
import {
  formatPermission,
  parsePermission,
  type ParsedPermission,
} from './permission-strings';
import type { SandboxUser } from './users';

/** What an application asked for on /api-keys/authorize, as BTCPay binds it. */
export interface AuthorizeRequest {
  /** Requested permissions the server defines; unknown ones are dropped. */
  permissions: ParsedPermission[];
  applicationName: string | null;
  strict: boolean;
  selectiveStores: boolean;
  /** Absolute redirect only; a relative one counts as absent. */
  redirect: URL | null;
  applicationIdentifier: string | null;
}

function readBool(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  const lowered = value.trim().toLowerCase();
  if (lowered === 'true') return true;
  if (lowered === 'false') return false;
  return fallback;
}

function readAbsoluteUrl(value: string | undefined): URL | null {
  if (!value) return null;
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

/**
 * Binds the six parameters from a query string or form, matching names
 * case-insensitively like ASP.NET; any other key is ignored.
 */
export function readAuthorizeRequest(
  params: URLSearchParams,
  defined: ReadonlyMap<string, SandboxPolicy>,
): AuthorizeRequest {
  const first = new Map<string, string>();
  const permissions: ParsedPermission[] = [];
  for (const [name, value] of params) {
    const key = name.toLowerCase();
    if (key === 'permissions') {
      const parsed = parsePermission(value);
      if (parsed && defined.has(parsed.policy)) permissions.push(parsed);
    } else if (!first.has(key)) {
      first.set(key, value);
    }
  }
  return {
    permissions,
    applicationName: first.get('applicationname') || null,
    strict: readBool(first.get('strict'), true),
    selectiveStores: readBool(first.get('selectivestores'), false),
    redirect: readAbsoluteUrl(first.get('redirect')),
    applicationIdentifier: first.get('applicationidentifier') || null,
  };
}

/** The name shown on the page: the app name, else its identifier. */
export function displayName(request: AuthorizeRequest): string | null {
  return request.applicationName ?? request.applicationIdentifier;
}

/** True when the page must first ask for the single store to grant. */
export function needsStoreChoice(request: AuthorizeRequest): boolean {
  const unscopedStore = request.permissions.some(
    (p) => policyKind(p.policy) === 'store' && p.scope === undefined,
  );
  return request.selectiveStores && (unscopedStore || !request.strict);
}

/**
 * BTCPay's CheckForMatchingApiKey: same identifier, same full redirect URL,
 * exact policy names (no hierarchy). 'server-error' reproduces the null
 * dereference BTCPay hits with strict=false and a missing store policy.
 */
export function findReusableKey(
  keys: SandboxKey[],
  request: AuthorizeRequest,
  storeId: string | null,
): SandboxKey | 'server-error' | null {
  if (!request.applicationIdentifier || !request.redirect) return null;
  for (const key of keys) {
    if (key.applicationIdentifier !== request.applicationIdentifier) continue;
    if (key.applicationAuthority !== request.redirect.href) continue;
    const verdict = keyCovers(key, request, storeId);
    if (verdict !== false) return verdict === true ? key : verdict;
  }
  return null;
}

function keyCovers(
  key: SandboxKey,
  request: AuthorizeRequest,
  storeId: string | null,
): boolean | 'server-error' {
  const held = key.permissions.map(parsePermission).filter((p) => p !== null);
  const policies = new Set(request.permissions.map((p) => p.policy));
  for (const policy of policies) {
    const group = held.filter((p) => p.policy === policy);
    if (request.strict && group.length === 0) return false;
    if (policyKind(policy) !== 'store') continue;
    if (group.length === 0) return 'server-error';
    const fits = request.selectiveStores
      ? group.some((p) => p.scope !== undefined && p.scope === storeId)
      : group.every((p) => p.scope === undefined);
    if (!fits) return false;
  }
  return true;
}

/** One line of the consent page's permission list. */
export interface ConsentItem {
  permission: string;
  policy: string;
  /** The title BTCPay shows, or the policy itself when it has none. */
  title: string;
  checked: boolean;
  /** Requested: shown ticked and cannot be unticked. */
  requested: boolean;
  /** A server permission asked of a non-admin under strict=true. */
  unavailable: boolean;
}

/** The requested permissions after scoping: widened or bound to the store. */
function scopedRequested(
  request: AuthorizeRequest,
  storeId: string | null,
): string[] {
  return request.permissions.map((p) => {
    if (policyKind(p.policy) !== 'store') return formatPermission(p);
    if (!request.selectiveStores) return p.policy;
    const scope = p.scope ?? storeId ?? undefined;
    return formatPermission({ policy: p.policy, ...(scope ? { scope } : {}) });
  });
}

/** The permission list the consent page shows (AdjustVMForAuthorization). */
export function consentItems(
  request: AuthorizeRequest,
  user: SandboxUser,
  defined: ReadonlyMap<string, SandboxPolicy>,
  storeId: string | null,
): ConsentItem[] {
  const requested = [...new Set(scopedRequested(request, storeId))];
  const items: ConsentItem[] = requested.map((permission) => {
    const policy = parsePermission(permission)!.policy;
    const serverOnly = policyKind(policy) === 'server' && !user.serverAdmin;
    return {
      permission,
      policy,
      title: defined.get(policy)?.title ?? policy,
      checked: true,
      requested: true,
      unavailable: serverOnly,
    };
  });
  if (request.strict) return items;
  const shown = items.filter((item) => !item.unavailable);
  const requestedPolicies = new Set(shown.map((item) => item.policy));
  for (const policy of defined.keys()) {
    if (requestedPolicies.has(policy)) continue;
    if (policyKind(policy) === 'server' && !user.serverAdmin) continue;
    shown.push({
      permission: policy,
      policy,
      title: defined.get(policy)?.title ?? policy,
      checked: false,
      requested: false,
      unavailable: false,
    });
  }
  return shown;
}

/** The permissions a new key gets: requested ones forced, ticked additions kept. */
export function grantedPermissions(
  items: ConsentItem[],
  ticked: string[],
): string[] {
  const wanted = new Set(ticked);
  const granted = items
    .filter(
      (item) =>
        !item.unavailable && (item.requested || wanted.has(item.permission)),
    )
    .map((item) => item.permission);
  return [...new Set(granted)];
}
