import type { KeyRecord, ServerRecord } from '../vault/schema';
import type { Vault } from '../vault';
import { KeyOperationError } from './errors';

/** The server with this local id or base URL, or a typed not-found error. */
export async function requireServer(
  vault: Vault,
  idOrUrl: string,
): Promise<ServerRecord> {
  const server = await vault.findServer(idOrUrl);
  if (!server) {
    throw new KeyOperationError(
      'server-not-found',
      `No server "${idOrUrl}" is stored here.`,
      'List the stored servers with `btcpay-keys server list`, or add it ' +
        'with `btcpay-keys server add <url>`.',
    );
  }
  return server;
}

/** The key with this local id (and its server), or a not-found error. */
export async function requireKey(
  vault: Vault,
  keyId: string,
): Promise<{ key: KeyRecord; server: ServerRecord }> {
  const metadata = await vault.metadata();
  const key = metadata.keys.find((candidate) => candidate.id === keyId);
  const server = key
    ? metadata.servers.find((candidate) => candidate.id === key.serverId)
    : undefined;
  if (!key || !server) {
    throw new KeyOperationError(
      'key-not-found',
      `No key with the id "${keyId}" is stored here.`,
      'List the stored keys and their ids with `btcpay-keys key list`.',
    );
  }
  return { key, server };
}
