import { normalizeBaseUrl } from '../greenfield';
import type { Vault } from '../vault';
import type { MintMethod, ServerRecord } from '../vault/schema';
import { clientForServer, type ServerCallOptions } from './clients';
import { KeyOperationError } from './errors';
import { requireServer } from './lookup';

/** What `addServer` did: stored a new server or found it already stored. */
export interface AddServerResult {
  server: ServerRecord;
  alreadyStored: boolean;
  /** What `/api/v1/health` said about NBXplorer sync. */
  synchronized: boolean | null;
}

/**
 * Stores a BTCPay server after checking `/api/v1/health`, which needs no
 * credentials, so a typo or a non-BTCPay site is refused before anything is
 * written. The Greenfield client throws its typed error (`not-btcpay`,
 * `network`, `tls`, `timeout`) when the probe fails.
 */
export async function addServer(
  vault: Vault,
  url: string,
  options: ServerCallOptions & { name?: string; mintMethod?: MintMethod } = {},
): Promise<AddServerResult> {
  const normalized = normalizeBaseUrl(url);
  if (!normalized.ok) {
    throw new KeyOperationError(
      'invalid-request',
      normalized.reason,
      'Check the address and try again, for example ' +
        '`btcpay-keys server add https://btcpay.example.com`.',
    );
  }
  const baseUrl = normalized.url;
  const existing = await vault.findServer(baseUrl);
  const health = await clientForServer(baseUrl, options).health();
  const synchronized = readSynchronized(health);
  if (existing) {
    return { server: existing, alreadyStored: true, synchronized };
  }

  const server = await vault.addServer({
    baseUrl,
    name: options.name?.trim() || new URL(baseUrl).host,
    mintMethod: options.mintMethod ?? 'authorize',
  });
  return { server, alreadyStored: false, synchronized };
}

/**
 * Forgets a server. Without `force` the vault refuses while keys of the
 * server are stored, so secrets are never orphaned by accident.
 */
export async function removeServer(
  vault: Vault,
  idOrUrl: string,
  options: { force?: boolean } = {},
): Promise<ServerRecord> {
  const server = await requireServer(vault, idOrUrl);
  await vault.removeServer(server.id, { force: options.force ?? false });
  return server;
}

function readSynchronized(health: unknown): boolean | null {
  if (typeof health === 'object' && health !== null) {
    const value = (health as { synchronized?: unknown }).synchronized;
    return typeof value === 'boolean' ? value : null;
  }
  return null;
}
