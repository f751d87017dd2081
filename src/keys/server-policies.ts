import { sameListing } from '../permissions';
import type { Vault } from '../vault';
import { ServerRecord } from '../vault/schema';
import {
  clientForServer,
  type ServerCallOptions,
  type ServerClient,
} from './clients';

/**
 * Which policies a server defines, learnt with any of its keys: BTCPay lets
 * every valid key read `GET /misc/permissions`, and its answer is the only
 * place a plugin's policies and their hierarchy are published.
 */

/** Short: the listing improves descriptions, it never holds a key up. */
const LISTING_TIMEOUT_MS = 5_000;

const StoredListing = ServerRecord.shape.permissionListing;

/**
 * Fetches the server's policy listing with `apiKey` and keeps it with the
 * server record when it differs from the stored one. Best effort: a server
 * that cannot answer, or answers with more than a record may hold, leaves
 * the stored listing as it was.
 */
export async function learnServerPolicies(
  vault: Vault,
  serverId: string,
  client: ServerClient,
  apiKey: string,
): Promise<void> {
  const listing = await fetchListing(client, apiKey);
  if (!listing || !StoredListing.safeParse(listing).success) return;

  const server = await vault.findServer(serverId);
  if (!server || sameListing(server.permissionListing, listing)) return;
  await vault.updateServer(server.id, { permissionListing: listing });
}

/** A key check's outcome, as far as learning its server's policies needs. */
export interface CheckedKey {
  keyId: string;
  serverId: string;
  result: string;
}

/**
 * After keys were checked, learns each server's policies once, with the
 * first of its keys that the server accepted.
 */
export async function learnPoliciesOfCheckedServers(
  vault: Vault,
  checked: Iterable<CheckedKey>,
  options: ServerCallOptions,
): Promise<void> {
  const keyPerServer = new Map<string, string>();
  for (const { keyId, serverId, result } of checked) {
    if (result === 'valid' && !keyPerServer.has(serverId)) {
      keyPerServer.set(serverId, keyId);
    }
  }
  for (const [serverId, keyId] of keyPerServer) {
    const server = await vault.findServer(serverId);
    const apiKey = await vault.readSecret(keyId, 'use').catch(() => null);
    if (!server || apiKey === null) continue;
    const client = clientForServer(server.baseUrl, options);
    await learnServerPolicies(vault, serverId, client, apiKey);
  }
}

async function fetchListing(client: ServerClient, apiKey: string) {
  try {
    return await client.permissionsMetadata(
      { kind: 'token', apiKey },
      { timeoutMs: LISTING_TIMEOUT_MS },
    );
  } catch {
    return null;
  }
}
