import { fingerprintKey, type AdoptedKey, type Vault } from '../vault';
import type { KeyRecord, ServerRecord } from '../vault/schema';
import {
  clientForServer,
  type ServerCallOptions,
  type ServerClient,
} from './clients';
import { KeyOperationError } from './errors';
import { requireServer } from './lookup';
import { shouldBecomeManager } from './manager';
import { learnWithKey, ownerOfKey, recordServerFacts } from './server-facts';
import { learnServerPolicies } from './server-policies';

/** A key someone already has, to be checked and stored. */
export interface ImportKeyRequest {
  serverId: string;
  secret: string;
  /** Defaults to the label the server knows the key by. */
  label?: string;
}

/** The stored key and whether it became the server's manager key. */
export interface ImportKeyResult {
  key: KeyRecord;
  becameManager: boolean;
}

/**
 * Stores an existing key after `/api/v1/api-keys/current` confirmed it. The
 * permissions stored are the ones the server reports, never what the user
 * believes the key holds; an unknown key is refused and nothing is stored.
 * The key's owner and the server's version are recorded where the key may
 * ask for them.
 */
export async function importKey(
  vault: Vault,
  request: ImportKeyRequest,
  options: ServerCallOptions = {},
): Promise<ImportKeyResult> {
  const secret = request.secret.trim();
  if (secret.length === 0) {
    throw new KeyOperationError(
      'invalid-request',
      'The key is empty.',
      'Paste the API key from BTCPay (Account → API Keys), or pipe it in ' +
        'with --key-stdin.',
    );
  }
  const server = await requireServer(vault, request.serverId);
  await refuseDuplicate(vault, server.id, secret);

  const client = clientForServer(server.baseUrl, options);
  const current = await client.currentApiKey(secret);
  const key = await storeConfirmedKey(
    vault,
    { server, client },
    {
      secret,
      label: request.label?.trim() || current.label || 'Imported key',
      grantedPermissions: current.permissions,
    },
    (fields) => vault.storeKey({ secret, ...fields }),
  );
  return { key, becameManager: key.isManager };
}

/** A key `/api/v1/api-keys/current` just confirmed, and its label here. */
export interface ConfirmedKey {
  secret: string;
  label: string;
  /** The permissions the server reported, not what anyone believed. */
  grantedPermissions: string[];
}

/**
 * Stores a key its server just confirmed, as an imported key, and keeps what
 * the server tells with it: the key's owner, the server's version and its
 * policy listing. `write` files the record: in a new keychain entry for an
 * import, in the orphaned entry it was found in for an adoption.
 */
export async function storeConfirmedKey(
  vault: Vault,
  at: { server: ServerRecord; client: ServerClient },
  confirmed: ConfirmedKey,
  write: (fields: AdoptedKey) => Promise<KeyRecord>,
): Promise<KeyRecord> {
  const { server, client } = at;
  const { secret, grantedPermissions } = confirmed;
  const facts = await learnWithKey(client, secret, grantedPermissions);
  const key = await write({
    serverId: server.id,
    label: confirmed.label,
    grantedPermissions,
    origin: { kind: 'imported' },
    userId: facts.owner?.userId ?? null,
    ownerEmail: facts.owner?.email ?? null,
    isManager: shouldBecomeManager(server, grantedPermissions),
  });

  await recordServerFacts(vault, server.id, {
    serverVersion: facts.serverVersion,
    account: ownerOfKey(key),
    becameManager: key.isManager,
    mintedWith: null,
  });
  await learnServerPolicies(vault, server.id, client, secret);
  return key;
}

async function refuseDuplicate(
  vault: Vault,
  serverId: string,
  secret: string,
): Promise<void> {
  const fingerprint = fingerprintKey(secret);
  const metadata = await vault.metadata();
  const existing = metadata.keys.find(
    (key) =>
      key.serverId === serverId &&
      key.fingerprint === fingerprint &&
      key.revokedAt === null,
  );
  if (existing) {
    throw new KeyOperationError(
      'key-already-stored',
      `This key is already stored as "${existing.label}" (id ${existing.id}).`,
      `See it with \`btcpay-keys key show ${existing.id}\`.`,
    );
  }
}
