import type { GreenfieldAuth } from '../greenfield';
import {
  parsePermission,
  permissionModelForServer,
  unknownPolicies,
  unknownPolicyWords,
} from '../permissions';
import type { Vault } from '../vault';
import type { KeyRecord, ServerRecord } from '../vault/schema';
import {
  clientForServer,
  type ServerCallOptions,
  type ServerClient,
} from './clients';
import { KeyOperationError } from './errors';
import { requireServer } from './lookup';
import { managerCredential, shouldBecomeManager } from './manager';
import { scopePermissionsToStores } from './scope';
import {
  accountNamed,
  learnWithKey,
  ownerOfKey,
  recordServerFacts,
  type KnownAccount,
  type ServerFacts,
} from './server-facts';
import { learnServerPolicies } from './server-policies';

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

/** Where `createKeyOverRest` asks, and whom it tells before it does. */
export interface CreateKeyOptions extends ServerCallOptions {
  /**
   * Told, before anything is sent, of requested permissions the server
   * does not define: BTCPay stores them in the key, where they allow nothing.
   */
  onWarnings?: (warnings: string[]) => void;
}

/** The stored key, what was asked for and whether it became the manager. */
export interface CreateKeyResult {
  key: KeyRecord;
  requestedPermissions: string[];
  becameManager: boolean;
}

/** The credential a key is minted with, and whose keys it mints. */
interface Minter {
  auth: GreenfieldAuth;
  /** The signed-in account, as far as it is known before asking. */
  account: KnownAccount | null;
}

/**
 * Mints a key over the Greenfield REST API and stores what the server answered
 * (its permissions, not the request), with its owner and what the server said
 * about itself. Basic auth is spent exactly once and never retried: BTCPay
 * throttles it and locks accounts after failures, so the keychain is checked
 * before the password is sent.
 */
export async function createKeyOverRest(
  vault: Vault,
  request: CreateKeyRequest,
  options: CreateKeyOptions = {},
): Promise<CreateKeyResult> {
  const server = await requireServer(vault, request.serverId);
  const requestedPermissions = scopePermissionsToStores(
    request.permissions,
    request.stores ?? [],
  );
  const warnings = undefinedPolicyWarnings(server, requestedPermissions);
  if (warnings.length > 0) options.onWarnings?.(warnings);
  const minter = await mintingCredential(vault, server, request.auth);
  const client = clientForServer(server.baseUrl, options);
  const body = { label: request.label, permissions: requestedPermissions };
  const minted = request.forUser
    ? await client.createUserApiKey(minter.auth, request.forUser, body)
    : await client.createApiKey(minter.auth, body);

  const { key, facts } = await storeOrTakeBack(client, minted.apiKey, () =>
    storeMintedKey(vault, client, server, request, minter, {
      secret: minted.apiKey,
      label: minted.label || request.label,
      grantedPermissions: minted.permissions,
      requestedPermissions,
    }),
  );
  await recordServerFacts(vault, server.id, {
    serverVersion: facts.serverVersion,
    account: request.forUser ? minter.account : ownerOfKey(key),
    becameManager: key.isManager,
    mintedWith: request.auth.kind,
  });
  await learnServerPolicies(vault, server.id, client, minted.apiKey);
  return { key, requestedPermissions, becameManager: key.isManager };
}

/**
 * One warning per requested policy the server does not define, judged by
 * the list it published when one is stored, else by its version.
 */
function undefinedPolicyWarnings(
  server: ServerRecord,
  permissions: readonly string[],
): string[] {
  const model = permissionModelForServer(server);
  const policies = unknownPolicies(permissions, model).flatMap((text) => {
    const parsed = parsePermission(text);
    return parsed.ok ? [parsed.permission.policy] : [];
  });
  return [...new Set(policies)].map((policy) =>
    unknownPolicyWords(policy, model),
  );
}

/**
 * Runs `store`; if it fails, the key exists on the server but not here, so
 * it is taken back: no working key is left that nobody can see or revoke.
 */
async function storeOrTakeBack<T>(
  client: ServerClient,
  apiKey: string,
  store: () => Promise<T>,
): Promise<T> {
  try {
    return await store();
  } catch (error) {
    await client.revokeCurrentApiKey(apiKey).catch(() => undefined);
    throw error;
  }
}

async function mintingCredential(
  vault: Vault,
  server: ServerRecord,
  auth: RestMintAuth,
): Promise<Minter> {
  if (auth.kind === 'basic') {
    // A password attempt counts against BTCPay's limit of about 5 a minute
    // and toward locking the account: do not spend it on a key that could
    // not be kept.
    await vault.checkKeychain();
    return {
      auth: { kind: 'basic', email: auth.email, password: auth.password },
      account: { userId: null, email: auth.email },
    };
  }
  const manager = await managerCredential(vault, server);
  if (!manager) {
    throw new KeyOperationError(
      'no-manager-key',
      `${server.name} has no manager key stored, so keys cannot be minted ` +
        'there without a password.',
      'Authorize an `unrestricted` key in the browser with ' +
        '`btcpay-keys authorize`, or pass `--user EMAIL --password-stdin` ' +
        'once (servers from BTCPay 2.4.2 on refuse Basic auth by default).',
    );
  }
  return manager;
}

async function storeMintedKey(
  vault: Vault,
  client: ServerClient,
  server: ServerRecord,
  request: CreateKeyRequest,
  minter: Minter,
  minted: {
    secret: string;
    label: string;
    grantedPermissions: string[];
    requestedPermissions: string[];
  },
): Promise<{ key: KeyRecord; facts: ServerFacts }> {
  const facts = await learnWithKey(
    client,
    minted.secret,
    minted.grantedPermissions,
  );
  const owner =
    facts.owner ??
    (request.forUser ? accountNamed(request.forUser) : minter.account);
  const key = await vault.storeKey({
    ...minted,
    serverId: server.id,
    origin: {
      kind: 'rest',
      via: request.auth.kind === 'basic' ? 'basic' : 'manager',
    },
    userId: owner?.userId ?? null,
    ownerEmail: owner?.email ?? null,
    isManager: shouldBecomeManager(server, minted.grantedPermissions, {
      forAnotherUser: Boolean(request.forUser),
    }),
  });
  return { key, facts };
}
