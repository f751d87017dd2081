import type { GreenfieldAuth } from '../greenfield';
import type { Vault } from '../vault';
import type { KeyRecord, ServerRecord } from '../vault/schema';
import { clientForServer, type ServerCallOptions } from './clients';
import { KeyOperationError } from './errors';
import { requireServer } from './lookup';
import { shouldBecomeManager, useManagerForMinting } from './manager';
import { scopePermissionsToStores } from './scope';

/** How a key is minted over REST: a password (once) or the manager key. */
export type RestMintAuth =
  { kind: 'basic'; email: string; password: string } | { kind: 'manager' };

/** What to mint with `createKeyOverRest`. */
export interface CreateKeyRequest {
  serverId: string;
  label: string;
  /** `policy` or `policy:storeId`, as BTCPay writes them. */
  permissions: string[];
  /** Scopes every unscoped store permission to each of these stores. */
  stores?: string[];
  /** Mint the key for another user (needs `canmanageusers`, i.e. an admin). */
  forUser?: string;
  auth: RestMintAuth;
}

/** The stored key, what was asked for and whether it became the manager. */
export interface CreateKeyResult {
  key: KeyRecord;
  requestedPermissions: string[];
  becameManager: boolean;
}

/**
 * Mints a key over the Greenfield REST API and stores what the server answered
 * (its permissions, not the request). Basic auth is spent exactly once and
 * never retried: BTCPay throttles it and locks accounts after failures.
 */
export async function createKeyOverRest(
  vault: Vault,
  request: CreateKeyRequest,
  options: ServerCallOptions = {},
): Promise<CreateKeyResult> {
  const server = await requireServer(vault, request.serverId);
  const requestedPermissions = scopePermissionsToStores(
    request.permissions,
    request.stores ?? [],
  );
  const auth = await mintingAuth(vault, server, request.auth);
  const client = clientForServer(server.baseUrl, options);
  const body = { label: request.label, permissions: requestedPermissions };
  const minted = request.forUser
    ? await client.createUserApiKey(auth, request.forUser, body)
    : await client.createApiKey(auth, body);

  const key = await storeMintedKey(vault, server, request, {
    secret: minted.apiKey,
    label: minted.label || request.label,
    grantedPermissions: minted.permissions,
    requestedPermissions,
  }).catch(async (error: unknown) => {
    // The key exists on the server but could not be stored here: take it
    // back so no working key is left that nobody can see or revoke.
    await client.revokeCurrentApiKey(minted.apiKey).catch(() => undefined);
    throw error;
  });

  if (key.isManager) await useManagerForMinting(vault, server);
  return { key, requestedPermissions, becameManager: key.isManager };
}

async function mintingAuth(
  vault: Vault,
  server: ServerRecord,
  auth: RestMintAuth,
): Promise<GreenfieldAuth> {
  if (auth.kind === 'basic') {
    return { kind: 'basic', email: auth.email, password: auth.password };
  }
  if (!server.managerKeyId) {
    throw new KeyOperationError(
      'no-manager-key',
      `${server.name} has no manager key stored, so keys cannot be minted ` +
        'there without a password.',
      'Authorize an `unrestricted` key in the browser with ' +
        '`btcpay-keys authorize`, or pass `--user EMAIL --password-stdin` ' +
        'once (servers from BTCPay 2.4.2 on refuse Basic auth by default).',
    );
  }
  const apiKey = await vault.readSecret(server.managerKeyId, 'use');
  return { kind: 'token', apiKey };
}

async function storeMintedKey(
  vault: Vault,
  server: ServerRecord,
  request: CreateKeyRequest,
  minted: {
    secret: string;
    label: string;
    grantedPermissions: string[];
    requestedPermissions: string[];
  },
): Promise<KeyRecord> {
  return vault.storeKey({
    ...minted,
    serverId: server.id,
    origin: {
      kind: 'rest',
      via: request.auth.kind === 'basic' ? 'basic' : 'manager',
    },
    isManager: shouldBecomeManager(server, minted.grantedPermissions, {
      forAnotherUser: Boolean(request.forUser),
    }),
  });
}
