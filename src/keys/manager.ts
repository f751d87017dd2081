import type { GreenfieldAuth } from '../greenfield';
import type { Vault } from '../vault';
import type { KeyRecord, ServerRecord } from '../vault/schema';
import { ownerOfKey, type KnownAccount } from './server-facts';

/**
 * Whether a key about to be stored should become the server's manager key:
 * it holds `unrestricted`, belongs to the user of this app, and the server
 * has no manager key yet. With one, later keys are minted and revoked over
 * REST without a password.
 */
export function shouldBecomeManager(
  server: ServerRecord,
  grantedPermissions: string[],
  options: { forAnotherUser?: boolean } = {},
): boolean {
  return (
    !options.forAnotherUser &&
    server.managerKeyId === null &&
    grantedPermissions.includes('unrestricted')
  );
}

/**
 * After the manager key went away (the vault clears `managerKeyId` itself),
 * stops presenting the server as minting with a manager key.
 */
export async function afterManagerKeyRemoved(
  vault: Vault,
  server: ServerRecord,
  key: KeyRecord,
): Promise<void> {
  if (server.managerKeyId === key.id && server.mintMethod === 'manager') {
    await vault.updateServer(server.id, { mintMethod: 'authorize' });
  }
}

/** The manager key as a credential, and the account whose key it is. */
export interface ManagerCredential {
  auth: GreenfieldAuth;
  /** Its owner as stored, else the server's account; null when unknown. */
  account: KnownAccount | null;
}

/**
 * The server's manager key, read from the keychain, with its owner: keys it
 * mints over `POST /api/v1/api-keys` belong to that account, and only that
 * account's keys can be revoked by value with it. Null without a manager key.
 */
export async function managerCredential(
  vault: Vault,
  server: ServerRecord,
): Promise<ManagerCredential | null> {
  if (!server.managerKeyId) return null;
  const account = await managerAccount(vault, server);
  const apiKey = await vault.readSecret(server.managerKeyId, 'use');
  return { auth: { kind: 'token', apiKey }, account };
}

/**
 * The account the server's manager key belongs to, read from the metadata
 * only (no keychain): its owner as stored, else the server's account. Null
 * without a manager key or when neither is known.
 */
export async function managerAccount(
  vault: Vault,
  server: ServerRecord,
): Promise<KnownAccount | null> {
  if (!server.managerKeyId) return null;
  const { keys } = await vault.metadata();
  const manager = keys.find((key) => key.id === server.managerKeyId);
  return (
    (manager ? ownerOfKey(manager) : null) ??
    ownerOfKey({ userId: server.userId, ownerEmail: server.email })
  );
}
