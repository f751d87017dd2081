import type { Vault } from '../vault';
import type { KeyRecord, ServerRecord } from '../vault/schema';

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

/** Records that keys on this server are now minted with its manager key. */
export async function useManagerForMinting(
  vault: Vault,
  server: ServerRecord,
): Promise<void> {
  if (server.mintMethod !== 'manager') {
    await vault.updateServer(server.id, { mintMethod: 'manager' });
  }
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
