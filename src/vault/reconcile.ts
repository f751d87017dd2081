import { isKeyId } from './ids';
import { forgetKeyReferences } from './key-operations';
import { readMetadata, updateMetadata } from './metadata-store';
import type { VaultContext } from './vault-context';

/** What `reconcile` found, and what it repaired when asked to. */
export interface ReconcileReport {
  /** Keychain accounts shaped like our key ids that no key record names. */
  secretsWithoutMetadata: string[];
  /** Ids of unrevoked key records whose secret is not in the keychain. */
  metadataWithoutSecret: string[];
  /** Null unless `repair` was asked for. */
  repaired: {
    /** Keychain entries deleted: nothing local knew which key they were. */
    removedSecrets: string[];
    /** Key records deleted: without a secret they cannot be used. */
    removedRecords: string[];
  } | null;
}

/**
 * Compares the keychain with the metadata. With `repair`, orphaned keychain
 * entries are deleted (only accounts shaped like our key ids, never another
 * entry under the service) and key records without a secret are deleted;
 * the event log keeps their history, fingerprints included.
 *
 * LIMITATION: a key another process is storing right now (secret written,
 * metadata not yet) looks orphaned; repair is meant to be run by the user,
 * not in the background.
 */
export async function reconcile(
  context: VaultContext,
  options: { repair: boolean },
): Promise<ReconcileReport> {
  const secrets = await context.secrets();
  const accounts = new Set((await secrets.accounts()).filter(isKeyId));
  const document = await readMetadata(context.home);
  const recorded = new Set(document.keys.map((key) => key.id));

  const secretsWithoutMetadata = [...accounts].filter(
    (id) => !recorded.has(id),
  );
  const metadataWithoutSecret = document.keys
    .filter((key) => key.revokedAt === null && !accounts.has(key.id))
    .map((key) => key.id);
  if (!options.repair) {
    return { secretsWithoutMetadata, metadataWithoutSecret, repaired: null };
  }

  for (const id of secretsWithoutMetadata) await secrets.delete(id);
  const removedRecords = await updateMetadata(context.home, (draft) => {
    const missing = new Set(metadataWithoutSecret);
    const removed = draft.keys.filter((key) => missing.has(key.id));
    draft.keys = draft.keys.filter((key) => !missing.has(key.id));
    for (const key of removed) forgetKeyReferences(draft, key.id);
    return removed;
  });

  await context.log({
    action: 'reconcile.repaired',
    details: {
      removedSecrets: secretsWithoutMetadata,
      removedRecords: removedRecords.map((key) => ({
        keyId: key.id,
        serverId: key.serverId,
        fingerprint: key.fingerprint,
      })),
    },
  });
  return {
    secretsWithoutMetadata,
    metadataWithoutSecret,
    repaired: {
      removedSecrets: secretsWithoutMetadata,
      removedRecords: removedRecords.map((key) => key.id),
    },
  };
}
