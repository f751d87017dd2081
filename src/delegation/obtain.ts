import { runAuthorizeFlow, type AuthorizeFlowOptions } from '../authorize';
import { addServer, createKeyOverRest, type ClientFactory } from '../keys';
import {
  hasNamedStore,
  needsStoreChoice,
  samePermissionSet,
  scopedTo,
  storesNamed,
} from '../permissions';
import type { Vault } from '../vault';
import type { KeyRecord, ServerRecord } from '../vault/schema';
import type { DelegationRequest } from './link';

/**
 * Getting the key a deep-link request asks for: reuse one of ours, mint one
 * with the manager key or a password, or run BTCPay's browser flow through
 * this app's own receiver (the requester's redirect never goes to BTCPay).
 */

/** How the key for a request can be obtained. */
export type MintChoice = 'reuse' | 'manager' | 'basic' | 'authorize';

/** What the user chose on the consent screen, with what that choice needs. */
export interface ApprovedMint {
  method: MintChoice;
  /** For `basic`: spent once, never stored. */
  basic?: { email: string; password: string };
  /** Stores to scope store permissions to, for manager and Basic minting. */
  stores?: string[];
}

/** The parts of the browser flow the caller controls (browser, timeout). */
export type AuthorizeControls = Pick<
  AuthorizeFlowOptions,
  | 'openBrowser'
  | 'onAuthorizeUrl'
  | 'onProgress'
  | 'onWarnings'
  | 'timeoutMs'
  | 'signal'
>;

/** A failure to get a key, said for the user and for the requester. */
export class ObtainKeyError extends Error {
  constructor(
    readonly reply: 'server_error' | 'timeout' | 'access_denied',
    message: string,
    readonly nextStep: string,
    /** True when the server could not be reached or is not BTCPay. */
    readonly unreachable = false,
  ) {
    super(message);
  }
}

function identifierOf(key: KeyRecord): string | null {
  if (key.origin.kind === 'delegated') return key.origin.app.identifier;
  if (key.origin.kind === 'authorize') return key.origin.applicationIdentifier;
  return null;
}

/**
 * Whether a key's granted permissions are exactly what the request asks,
 * as BTCPay's own reuse demands: same policies, same stores. When the
 * merchant is to pick the store, a key for any one store counts, with that
 * store standing for the pick; reusing it is the merchant's choice.
 */
function grantsExactly(key: KeyRecord, request: DelegationRequest): boolean {
  if (!needsStoreChoice(request)) {
    return samePermissionSet(key.grantedPermissions, request.permissions);
  }
  return storesNamed(key.grantedPermissions).some((store) =>
    samePermissionSet(
      key.grantedPermissions,
      scopedTo(request.permissions, store),
    ),
  );
}

/**
 * A key of ours for the same server and application whose granted
 * permissions are the same set the request asks for: never a key that can
 * do more, nor one that reaches other stores.
 */
export function findReusableKey(
  keys: readonly KeyRecord[],
  serverId: string,
  request: DelegationRequest,
): KeyRecord | null {
  if (!request.applicationIdentifier) return null;
  return (
    keys.find(
      (key) =>
        key.serverId === serverId &&
        key.revokedAt === null &&
        !key.isManager &&
        identifierOf(key) === request.applicationIdentifier &&
        grantsExactly(key, request),
    ) ?? null
  );
}

/**
 * Why an approval cannot be carried out as given, or null when it can.
 * Checked before anything is minted, so a store-limited request never
 * yields a key for every store.
 */
export function approvalProblem(
  request: DelegationRequest,
  approved: ApprovedMint,
): string | null {
  const minting = approved.method === 'manager' || approved.method === 'basic';
  if (approved.method === 'basic' && !approved.basic) {
    return 'Signing in with a password needs the BTCPay account email and its password.';
  }
  if (minting && needsStoreChoice(request)) {
    const stores = approved.stores ?? [];
    if (stores.length !== 1) {
      return (
        'The app asked you to pick one store, and a key made here must be ' +
        'limited to it: pick exactly one store, or approve in the browser, ' +
        'where BTCPay asks for the store.'
      );
    }
  }
  return null;
}

/** Gets the key by the method the user approved. */
export async function obtainKey(
  vault: Vault,
  request: DelegationRequest,
  approved: ApprovedMint,
  context: {
    server: ServerRecord | null;
    reusable: KeyRecord | null;
    authorize?: AuthorizeControls;
    clientFactory?: ClientFactory;
  },
): Promise<KeyRecord> {
  if (approved.method === 'reuse') {
    if (!context.reusable) {
      throw new ObtainKeyError(
        'server_error',
        'There is no stored key to reuse for this request.',
        'Choose another way to get the key.',
      );
    }
    return context.reusable;
  }
  if (approved.method === 'authorize') {
    return authorizeInBrowser(vault, request, context.authorize ?? {});
  }
  const problem = approvalProblem(request, approved);
  if (problem) {
    throw new ObtainKeyError(
      'server_error',
      `No key was made: ${problem}`,
      'Answer the request again with a store picked, or approve it in the browser.',
    );
  }
  const server =
    context.server ??
    (
      await addServer(vault, request.server, {
        clientFor: context.clientFactory,
      })
    ).server;
  const auth =
    approved.method === 'basic' && approved.basic
      ? { kind: 'basic' as const, ...approved.basic }
      : { kind: 'manager' as const };
  const created = await createKeyOverRest(
    vault,
    {
      serverId: server.id,
      label: labelFor(request),
      permissions: request.permissions,
      stores: approved.stores ?? [],
      auth,
    },
    { clientFor: context.clientFactory },
  );
  return created.key;
}

/** The label a delegated key gets on BTCPay and here. */
export function labelFor(request: DelegationRequest): string {
  return (
    request.applicationName ?? request.applicationIdentifier ?? 'Delegated key'
  );
}

async function authorizeInBrowser(
  vault: Vault,
  request: DelegationRequest,
  controls: AuthorizeControls,
): Promise<KeyRecord> {
  const result = await runAuthorizeFlow({
    ...controls,
    vault,
    serverUrl: request.server,
    request: {
      applicationName: labelFor(request),
      ...(request.applicationIdentifier
        ? { applicationIdentifier: request.applicationIdentifier }
        : {}),
      permissions: request.permissions,
      strict: request.strict,
      // BTCPay drops the store a permission names unless store selection is
      // on; turning it on keeps such a permission to its store.
      selectiveStores:
        request.selectiveStores || hasNamedStore(request.permissions),
    },
  });
  if (result.outcome === 'stored') return result.key;
  const reply =
    result.outcome === 'timeout'
      ? 'timeout'
      : result.outcome === 'cancelled'
        ? 'access_denied'
        : 'server_error';
  const unreachable =
    result.outcome === 'unreachable' ||
    (result.outcome === 'refused' && result.kind === 'network');
  throw new ObtainKeyError(reply, result.message, result.nextStep, unreachable);
}
