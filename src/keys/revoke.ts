import { GreenfieldError, type GreenfieldAuth } from '../greenfield';
import type { Vault } from '../vault';
import type { KeyRecord, ServerRecord } from '../vault/schema';
import { clientForServer, type ServerCallOptions } from './clients';
import { requireKey } from './lookup';
import { afterManagerKeyRemoved } from './manager';

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
 * retry instead of losing track of a key that still works.
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

  if (key.revokedAt === null) {
    await vault.markRevoked(key.id);
    await afterManagerKeyRemoved(vault, server, key);
  }
  return { key, ...outcome };
}

/** Forgets a key here without asking its server; the key keeps working. */
export async function deleteKeyLocally(
  vault: Vault,
  keyId: string,
): Promise<KeyRecord> {
  const { key, server } = await requireKey(vault, keyId);
  await vault.deleteKey(key.id);
  await afterManagerKeyRemoved(vault, server, key);
  return key;
}

async function revokeOnServer(
  vault: Vault,
  server: ServerRecord,
  key: KeyRecord,
  options: ServerCallOptions,
): Promise<Omit<RevokeKeyResult, 'key'>> {
  const client = clientForServer(server.baseUrl, options);
  const apiKey = await vault.readSecret(key.id, 'use');
  try {
    await client.revokeCurrentApiKey(apiKey);
    return { server: 'revoked', via: 'key' };
  } catch (error) {
    if (isUnknownKey(error)) return { server: 'already-gone', via: 'key' };
    const manager = await managerAuth(vault, server, key);
    // The key cannot speak for itself (its owner is locked out, say): the
    // manager key of the same user can still delete it by value.
    if (!manager || !isOwnerBlocked(error)) throw error;
    try {
      await client.revokeApiKey(manager, apiKey);
      return { server: 'revoked', via: 'manager' };
    } catch (managerError) {
      if (isUnknownKey(managerError)) {
        return { server: 'already-gone', via: 'manager' };
      }
      throw managerError;
    }
  }
}

async function managerAuth(
  vault: Vault,
  server: ServerRecord,
  key: KeyRecord,
): Promise<GreenfieldAuth | null> {
  if (!server.managerKeyId || server.managerKeyId === key.id) return null;
  return {
    kind: 'token',
    apiKey: await vault.readSecret(server.managerKeyId, 'use'),
  };
}

function isUnknownKey(error: unknown): boolean {
  return (
    error instanceof GreenfieldError &&
    (error.kind === 'key-unknown' || error.code === 'apikey-not-found')
  );
}

function isOwnerBlocked(error: unknown): boolean {
  return error instanceof GreenfieldError && error.kind === 'owner-blocked';
}
