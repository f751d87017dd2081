import { GreenfieldError } from '../greenfield';
import type { Vault } from '../vault';
import type { KeyRecord, ServerRecord } from '../vault/schema';
import {
  clientForServer,
  type ServerCallOptions,
  type ServerClient,
} from './clients';
import { KeyOperationError } from './errors';
import { requireKey } from './lookup';
import {
  afterManagerKeyRemoved,
  managerCredential,
  type ManagerCredential,
} from './manager';
import { ownerOfKey, sameAccount, type KnownAccount } from './server-facts';

/** What the server said when asked to revoke the key. */
export type ServerRevocation =
  /** The server deleted the key. */
  | 'revoked'
  /** The server no longer knew the key (revoked elsewhere, or never existed). */
  | 'already-gone'
  /** The key was already marked revoked here; the server was not asked. */
  | 'not-asked';

/** The outcome of `revokeKey`. */
export interface RevokeKeyResult {
  /** The record as stored after the revocation (`revokedAt` set). */
  key: KeyRecord;
  server: ServerRevocation;
  /** Which credential made the request: the key itself or the manager key. */
  via: 'key' | 'manager' | null;
}

/**
 * Revokes a key on its server first, then removes its secret here and marks
 * the record revoked (kept for the audit trail; `deleteKeyLocally` drops it).
 * A key the server no longer knows is still removed locally, and the result
 * says so. Any other server failure leaves the key stored, so the user can
 * retry instead of losing track of a key that still works: in particular a
 * key whose owner is blocked is dropped only once the manager key really
 * deleted it (`not-revoked` otherwise).
 */
export async function revokeKey(
  vault: Vault,
  keyId: string,
  options: ServerCallOptions = {},
): Promise<RevokeKeyResult> {
  const { key, server } = await requireKey(vault, keyId);
  const outcome =
    key.revokedAt === null
      ? await revokeOnServer(vault, server, key, options)
      : { server: 'not-asked' as const, via: null };

  if (key.revokedAt !== null) return { key, ...outcome };
  // The record as stored now, revocation time included.
  const revoked = await vault.markRevoked(key.id);
  await afterManagerKeyRemoved(vault, server, key);
  return { key: revoked, ...outcome };
}

/** Forgets a key here without asking its server; the key keeps working. */
export async function deleteKeyLocally(
  vault: Vault,
  keyId: string,
): Promise<KeyRecord> {
  const { key, server } = await requireKey(vault, keyId);
  // The record as it was deleted: another process may have revoked the key
  // since it was read here.
  const deleted = await vault.deleteKey(key.id);
  await afterManagerKeyRemoved(vault, server, key);
  return deleted;
}

type Revoked = Omit<RevokeKeyResult, 'key'>;

async function revokeOnServer(
  vault: Vault,
  server: ServerRecord,
  key: KeyRecord,
  options: ServerCallOptions,
): Promise<Revoked> {
  const client = clientForServer(server.baseUrl, options);
  const apiKey = await vault.readSecret(key.id, 'use');
  try {
    await client.revokeCurrentApiKey(apiKey);
    return { server: 'revoked', via: 'key' };
  } catch (error) {
    // Only the key's own answer proves the server no longer knows it.
    if (isBtcpayCode(error, 'key-unknown')) {
      return { server: 'already-gone', via: 'key' };
    }
    if (!isBtcpayCode(error, 'owner-blocked')) throw error;
    // The server knows the key (it blamed the owner) but will not let it
    // speak: only the manager key can still delete it.
    const manager =
      server.managerKeyId === key.id
        ? null
        : await managerCredential(vault, server);
    if (!manager) {
      const why =
        server.managerKeyId === key.id
          ? 'this key is the manager key.'
          : 'no manager key is stored for this server.';
      throw notRevoked(key, error, why);
    }
    return revokeWithManager(client, key, apiKey, manager, error);
  }
}

/**
 * BTCPay deletes a key by value only among the signed-in account's own
 * keys (`DELETE /api/v1/api-keys/{key}`); another account's key needs the
 * admin route `DELETE /api/v1/users/{idOrEmail}/api-keys/{key}`. Both
 * answer 400 `apikey-not-found` for a key they do not see, which proves the
 * key gone only when it is known to be the manager account's own.
 */
async function revokeWithManager(
  client: ServerClient,
  key: KeyRecord,
  apiKey: string,
  manager: ManagerCredential,
  blocked: GreenfieldError,
): Promise<Revoked> {
  const owner = ownerOfKey(key);
  const ownKey = owner !== null && isManagersOwn(owner, manager.account);
  try {
    if (owner !== null && !ownKey) {
      const idOrEmail = owner.userId ?? owner.email ?? '';
      await client.revokeUserApiKey(manager.auth, idOrEmail, apiKey);
    } else {
      await client.revokeApiKey(manager.auth, apiKey);
    }
    return { server: 'revoked', via: 'manager' };
  } catch (error) {
    if (!(error instanceof GreenfieldError) || isUnreachable(error)) {
      throw error;
    }
    if (ownKey && error.code === 'apikey-not-found') {
      return { server: 'already-gone', via: 'manager' };
    }
    throw notRevoked(key, blocked, managerRefusal(error, owner));
  }
}

function isManagersOwn(
  owner: KnownAccount,
  managerAccount: KnownAccount | null,
): boolean {
  return managerAccount !== null && sameAccount(owner, managerAccount);
}

/** Why the manager key could not delete the key, in the merchant's words. */
function managerRefusal(
  error: GreenfieldError,
  owner: KnownAccount | null,
): string {
  const named = owner?.email ?? owner?.userId ?? 'its owner';
  if (error.code === 'apikey-not-found') {
    return owner === null
      ? 'by value it deletes only its own account’s keys, and nothing ' +
          'stored here says whose key this is.'
      : `the server does not list it among ${named}’s keys.`;
  }
  if (error.kind === 'missing-permission') {
    return (
      'deleting another account’s key takes a server admin’s manager key ' +
      '(btcpay.server.canmanageusers), and this one is not.'
    );
  }
  if (error.code === 'user-not-found') {
    return `the server has no account ${named}.`;
  }
  return `it was refused: ${error.message}`;
}

function notRevoked(
  key: KeyRecord,
  blocked: GreenfieldError,
  why: string,
): KeyOperationError {
  return new KeyOperationError(
    'not-revoked',
    `"${key.label}" (${key.id}) was not revoked and is still stored here. ` +
      `${blocked.message} So the key cannot revoke itself, and the manager ` +
      `key could not either: ${why} The key works again on the server once ` +
      'its owner can sign in.',
    `${blocked.nextStep} Then run \`btcpay-keys key revoke ${key.id}\` ` +
      'again, or ask the server admin to delete the key.',
  );
}

const UNREACHABLE = new Set([
  'network',
  'timeout',
  'tls',
  'server-error',
  'invalid-response',
  'not-btcpay',
  'aborted',
]);

function isUnreachable(error: GreenfieldError): boolean {
  return UNREACHABLE.has(error.kind);
}

function isBtcpayCode(
  error: unknown,
  kind: 'key-unknown' | 'owner-blocked',
): error is GreenfieldError {
  return error instanceof GreenfieldError && error.kind === kind;
}
