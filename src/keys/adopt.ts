import { GreenfieldError } from '../greenfield';
import { fingerprintKey, type RememberedKey, type Vault } from '../vault';
import type { KeyRecord, ServerRecord } from '../vault/schema';
import {
  clientForServer,
  type ServerCallOptions,
  type ServerClient,
} from './clients';
import { storeConfirmedKey } from './import';
import { requireServer } from './lookup';

/** What to take back: orphans of one server, all or the listed ones. */
export interface AdoptRequest {
  /** The stored server the orphans are checked against. */
  server: string;
  /** Only these keychain entries; every orphan when absent. */
  keyIds?: string[];
}

/** An orphan that was left in the keychain, and why. */
export interface LeftOrphan {
  id: string;
  reason: 'unknown-to-server' | 'other-server' | 'duplicate' | 'owner-blocked';
  message: string;
}

/** What `adoptOrphanedKeys` did. */
export interface AdoptResult {
  adopted: KeyRecord[];
  left: LeftOrphan[];
}

/**
 * Takes back keychain entries no key record names (after a damaged metadata
 * file was set aside, say): each is checked with `/api/v1/api-keys/current`
 * on the given server and, if the server knows it, recorded as an imported
 * key with the server's permissions, learning what an import learns (owner,
 * version, policy listing). An entry a set-aside file assigns to another
 * server is never sent to this one. Nothing is deleted.
 */
export async function adoptOrphanedKeys(
  vault: Vault,
  request: AdoptRequest,
  options: ServerCallOptions = {},
): Promise<AdoptResult> {
  const server = await requireServer(vault, request.server);
  const report = await vault.reconcile({});
  const orphans = request.keyIds ?? report.secretsWithoutMetadata;
  const client = clientForServer(server.baseUrl, options);
  const result: AdoptResult = { adopted: [], left: [] };

  for (const id of orphans) {
    const memory = report.remembered.find((entry) => entry.id === id);
    const outcome = await adoptOne(vault, client, server, id, memory);
    if ('reason' in outcome) result.left.push(outcome);
    else result.adopted.push(outcome);
  }
  return result;
}

async function adoptOne(
  vault: Vault,
  client: ServerClient,
  server: ServerRecord,
  id: string,
  memory: RememberedKey | undefined,
): Promise<KeyRecord | LeftOrphan> {
  const secret = await vault.readOrphanedSecret(id);
  const fingerprint = fingerprintKey(secret);
  // A memory about another secret under the same id proves nothing.
  const trusted = memory?.fingerprint === fingerprint ? memory : undefined;
  if (trusted?.serverUrl && trusted.serverUrl !== server.baseUrl) {
    return left(id, 'other-server', `it was a key of ${trusted.serverUrl}.`);
  }
  const { keys } = await vault.metadata();
  const copy = keys.find(
    (key) => key.fingerprint === fingerprint && key.revokedAt === null,
  );
  if (copy) {
    return left(id, 'duplicate', `the same key is stored as ${copy.id}.`);
  }

  const current = await askServer(client, secret);
  if ('reason' in current) return { ...current, id };
  return storeConfirmedKey(
    vault,
    { server, client },
    {
      secret,
      label: trusted?.label ?? (current.label || 'Recovered key'),
      grantedPermissions: current.permissions,
    },
    (fields) => vault.adoptOrphanedSecret(id, fields),
  );
}

/** The server's word on the key; failures to ask are thrown. */
async function askServer(
  client: ServerClient,
  secret: string,
): Promise<{ label: string; permissions: string[] } | LeftOrphan> {
  try {
    return await client.currentApiKey(secret);
  } catch (error) {
    if (!(error instanceof GreenfieldError)) throw error;
    if (error.kind === 'key-unknown') {
      return left('', 'unknown-to-server', 'this server does not know it.');
    }
    if (error.kind === 'owner-blocked') {
      return left('', 'owner-blocked', error.message);
    }
    throw error;
  }
}

function left(
  id: string,
  reason: LeftOrphan['reason'],
  message: string,
): LeftOrphan {
  return { id, reason, message };
}
