import { sameListing } from '../permissions';
import type { Vault } from '../vault';
import { ServerRecord } from '../vault/schema';
import type { ServerClient } from './clients';

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
