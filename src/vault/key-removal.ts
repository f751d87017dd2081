import { readMetadata, updateMetadata } from './metadata-store';
import { requireKeyIn } from './key-operations';
import { withVaultLock } from './lock';
import { KeyRecord, type MetadataDocument } from './schema';
import type { VaultContext } from './vault-context';
import { VaultError } from './vault-error';

/**
 * How a key leaves: revoked (the record stays for the audit trail) or
 * deleted here. Either way the keychain entry goes first, then the
 * metadata, and one event says which key it was.
 */

/**
 * Marks a key revoked on its server. The now useless secret leaves the
 * keychain; the record stays for the audit trail.
 */
export async function markRevoked(
  context: VaultContext,
  id: string,
): Promise<KeyRecord> {
  // The check, the secret's removal, the mark and its log entry under one
  // lock: another process may have revoked the same key since the caller
  // read the record, and then it, not this one, revoked it. Only the one
  // that did deletes the secret (keychain first, then metadata, as ever):
  // two deleting one Secret Service item at once can fail.
  return withVaultLock(context.home, async () => {
    const current = requireKeyIn(await readMetadata(context.home), id);
    if (current.revokedAt !== null) throw revokedMeanwhile(current);
    await (await context.secrets()).delete(id);
    const revokedAt = new Date().toISOString();
    const updated = await updateMetadata(context.home, (draft) => {
      const key = requireKeyIn(draft, id);
      key.revokedAt = revokedAt;
      key.isManager = false;
      forgetKeyReferences(draft, id);
      return KeyRecord.parse(key);
    });
    await logRemoval(context, 'key.revoked', updated);
    return updated;
  });
}

function revokedMeanwhile(key: KeyRecord): VaultError {
  return new VaultError(
    'key-revoked',
    `"${key.label}" (${key.id}) was already revoked here on ` +
      `${key.revokedAt}, by another BTCPay Key Manager window or command ` +
      'at the same time; nothing more changed.',
    'Nothing to do: the key no longer works. Its record stays for the ' +
      `audit trail; \`btcpay-keys key delete ${key.id} --local-only\` ` +
      'forgets it here.',
  );
}

/** Deletes a key from this machine: keychain first, then metadata. */
export async function deleteKey(
  context: VaultContext,
  id: string,
): Promise<KeyRecord> {
  requireKeyIn(await readMetadata(context.home), id);
  await (await context.secrets()).delete(id);
  const removed = await updateMetadata(context.home, (draft) => {
    const key = requireKeyIn(draft, id);
    draft.keys = draft.keys.filter((candidate) => candidate.id !== id);
    forgetKeyReferences(draft, id);
    return key;
  });
  await logRemoval(context, 'key.deleted', removed);
  return removed;
}

/** Clears a server's manager key and delegations that point at `id`. */
export function forgetKeyReferences(draft: MetadataDocument, id: string): void {
  for (const server of draft.servers) {
    if (server.managerKeyId === id) server.managerKeyId = null;
  }
  for (const delegation of draft.delegations) {
    if (delegation.keyId === id) delegation.keyId = null;
  }
}

/** The event of a key revoked or deleted, naming it by id and fingerprint. */
async function logRemoval(
  context: VaultContext,
  action: 'key.revoked' | 'key.deleted',
  key: KeyRecord,
): Promise<void> {
  await context.log({
    action,
    serverId: key.serverId,
    keyId: key.id,
    fingerprint: key.fingerprint,
  });
}
