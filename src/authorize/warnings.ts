import {
  parsePermission,
  policyKind,
  unknownPolicies,
  type PermissionModel,
} from '../permissions';
import type { AuthorizeRequest } from './request';

/**
 * What BTCPay's authorize page will silently ignore, drop, widen or fail on
 * for a request, said before the user is sent there.
 */

/** Something BTCPay will do differently from what the request seems to ask. */
export interface AuthorizeWarning {
  code:
    | 'identifier-without-redirect'
    | 'relative-redirect'
    | 'redirect-cannot-receive'
    | 'unknown-policies'
    | 'scoped-without-selective-stores'
    | 'strict-false-identifier-store'
    | 'server-permissions-need-admin'
    | 'ignored-parameters';
  message: string;
  /** The permissions or parameters the warning is about, when any. */
  subjects?: string[];
}

type Check = (
  request: AuthorizeRequest,
  model: PermissionModel | undefined,
) => AuthorizeWarning | undefined;

/**
 * Every surprise BTCPay has in store for this request, in plain words.
 * `model` tells which policies the server knows (the built-in catalogue
 * unless a live server's list is at hand).
 */
export function authorizeWarnings(
  request: AuthorizeRequest,
  model?: PermissionModel,
): AuthorizeWarning[] {
  const checks: Check[] = [
    identifierWithoutRedirect,
    redirectCannotReceive,
    unknownPoliciesDropped,
    scopedWithoutStoreSelection,
    nonStrictReuseErrorPage,
    serverPermissionsNeedAdmin,
  ];
  return checks.flatMap((check) => check(request, model) ?? []);
}

function hasRedirect(request: AuthorizeRequest): boolean {
  return request.redirect !== undefined && request.redirect !== '';
}

const identifierWithoutRedirect: Check = (request) => {
  if (!request.applicationIdentifier || hasRedirect(request)) return undefined;
  return {
    code: 'identifier-without-redirect',
    message:
      `BTCPay ignores the application identifier ` +
      `"${request.applicationIdentifier}" without a redirect: it will not ` +
      'look for an earlier key to reuse and will create a new one.',
  };
};

const redirectCannotReceive: Check = (request) => {
  if (!hasRedirect(request) || /^https?:/i.test(request.redirect ?? '')) {
    return undefined;
  }
  return {
    code: 'redirect-cannot-receive',
    message:
      'The redirect is not an http(s) address: a browser cannot post the ' +
      'key to it, so the key would never arrive.',
  };
};

const unknownPoliciesDropped: Check = (request, model) => {
  const unknown = unknownPolicies(request.permissions, model);
  if (unknown.length === 0) return undefined;
  const them = unknown.length === 1 ? 'it' : 'them';
  return {
    code: 'unknown-policies',
    message:
      `BTCPay does not know ${listOf(unknown)} and silently leaves ${them} ` +
      `out of the key: the server will not grant ${them}.`,
    subjects: unknown,
  };
};

const scopedWithoutStoreSelection: Check = (request) => {
  const scoped = request.permissions.filter(
    (permission) =>
      isStorePermission(permission) && readKind(permission).scope !== null,
  );
  if (scoped.length === 0 || request.selectiveStores) return undefined;
  return {
    code: 'scoped-without-selective-stores',
    message:
      `Without store selection BTCPay drops the store from ` +
      `${listOf(scoped)} and grants ${scoped.length === 1 ? 'it' : 'them'} ` +
      'for every store the user can access, now and later. Turn on store ' +
      'selection to keep the key to one store.',
    subjects: scoped,
  };
};

// BTCPay's key-reuse check dereferences a missing store policy when the
// request is not strict: an error page instead of the consent page.
const nonStrictReuseErrorPage: Check = (request) => {
  const storePermissions = request.permissions.filter(isStorePermission);
  const reuseIsTried =
    Boolean(request.applicationIdentifier) && hasRedirect(request);
  if (request.strict || !reuseIsTried || storePermissions.length === 0) {
    return undefined;
  }
  return {
    code: 'strict-false-identifier-store',
    message:
      'BTCPay answers with an error page when non-strict requests carry ' +
      'an application identifier and store permissions and an earlier key ' +
      'of that application exists. Leave out the identifier or keep the ' +
      'request strict.',
    subjects: storePermissions,
  };
};

const serverPermissionsNeedAdmin: Check = (request) => {
  const serverPermissions = request.permissions.filter(isServerPermission);
  if (serverPermissions.length === 0) return undefined;
  return {
    code: 'server-permissions-need-admin',
    message:
      `${listOf(serverPermissions)} only work for a server administrator. ` +
      (request.strict
        ? 'A user who is not an admin cannot approve this request at all.'
        : 'For a user who is not an admin BTCPay leaves them out.'),
    subjects: serverPermissions,
  };
};

/** The permission's kind and store, when it reads as a permission at all. */
function readKind(permission: string): {
  kind: ReturnType<typeof policyKind>;
  scope: string | null;
} {
  const parsed = parsePermission(permission);
  if (!parsed.ok) return { kind: null, scope: null };
  return {
    kind: policyKind(parsed.permission.policy),
    scope: parsed.permission.scope,
  };
}

function isStorePermission(permission: string): boolean {
  return readKind(permission).kind === 'store';
}

function isServerPermission(permission: string): boolean {
  return readKind(permission).kind === 'server';
}

/** "a", "a and b", "a, b and c". */
export function listOf(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
