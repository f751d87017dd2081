import { assertNoSecrets, type VaultEvent } from './event-log';
import { fingerprintKey } from './fingerprint';
import { isKeyId } from './ids';
import { addKeyRecord, type NewKey } from './key-operations';
import { forgetKeyReferences } from './key-removal';
import { readMetadata, updateMetadata } from './metadata-store';
import { KeyRecord, type MetadataDocument } from './schema';
import type { SecretStore } from './secret-store';
import { rememberedKeys, type RememberedKey } from './set-aside-records';
import type { VaultContext } from './vault-context';
import { VaultError } from './vault-error';

export type { RememberedKey } from './set-aside-records';

/** What `reconcile` may change; nothing unless asked. */
export interface ReconcileOptions {
  /** Delete key records whose secret is missing (they cannot be used). */
  repair?: boolean;
  /**
   * Delete keychain entries no key record names. A separate choice: after
   * a damaged metadata file was set aside these are the only copies of
   * working keys, which `adoptOrphanedSecret` can take back instead.
   */
  deleteOrphans?: boolean;
  /** With `deleteOrphans`: only these of the orphaned entries. */
  onlyOrphans?: readonly string[];
  /**
   * Also read every unrevoked key's secret and compare its fingerprint, to
   * find entries overwritten with another key. Reads every secret (never
   * handed out), so only `btcpay-keys reconcile` asks for it.
   */
  checkSecrets?: boolean;
}

/** What `reconcile` found (and left, after any repair) and what it changed. */
export interface ReconcileReport {
  /** Keychain accounts shaped like our key ids that no key record names. */
  secretsWithoutMetadata: string[];
  /** Ids of unrevoked key records whose secret is not in the keychain. */
  metadataWithoutSecret: string[];
  /** What set-aside metadata files say about the orphaned entries. */
  remembered: RememberedKey[];
  /**
   * With `checkSecrets`: ids of unrevoked keys whose keychain entry holds
   * another key than their fingerprint names.
   */
  replacedSecrets?: string[];
  /** Null unless something was asked to change. */
  repaired: {
    /** Keychain entries deleted (only with `deleteOrphans`). */
    removedSecrets: string[];
    /** Key records deleted (only with `repair`). */
    removedRecords: string[];
  } | null;
}

/**
 * Compares the keychain with the metadata, and repairs only what was asked
 * for. Only accounts shaped like our key ids are judged, never another
 * entry under the service; the event log keeps the history of whatever is
 * deleted, fingerprints included.
 *
 * LIMITATION: a key another process is storing right now (secret written,
 * metadata not yet) looks orphaned; deleting orphans is meant to be run by
 * the user, not in the background.
 */
export async function reconcile(
  context: VaultContext,
  options: ReconcileOptions,
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
  const found = {
    secretsWithoutMetadata,
    metadataWithoutSecret,
    remembered: await rememberedKeys(context.home, secretsWithoutMetadata),
    ...(options.checkSecrets
      ? { replacedSecrets: await replacedSecrets(document, accounts, secrets) }
      : {}),
  };
  if (!options.repair && !options.deleteOrphans) {
    return { ...found, repaired: null };
  }

  const chosen = options.onlyOrphans ? new Set(options.onlyOrphans) : null;
  const removedSecrets = options.deleteOrphans
    ? secretsWithoutMetadata.filter((id) => chosen?.has(id) ?? true)
    : [];
  for (const id of removedSecrets) await secrets.delete(id);
  const removedRecords = options.repair
    ? await deleteRecords(context, metadataWithoutSecret)
    : [];
  await context.log({
    action: 'reconcile.repaired',
    details: {
      removedSecrets,
      removedRecords: removedRecords.map((key) => ({
        keyId: key.id,
        serverId: key.serverId,
        fingerprint: key.fingerprint,
      })),
    },
  });
  const gone = new Set([...removedSecrets, ...removedRecords.map((k) => k.id)]);
  const left = (ids: string[]) => ids.filter((id) => !gone.has(id));
  return {
    ...found,
    secretsWithoutMetadata: left(found.secretsWithoutMetadata),
    metadataWithoutSecret: left(found.metadataWithoutSecret),
    remembered: found.remembered.filter((entry) => !gone.has(entry.id)),
    repaired: {
      removedSecrets,
      removedRecords: removedRecords.map((key) => key.id),
    },
  };
}

/** Unrevoked keys whose entry is there but holds another key. */
async function replacedSecrets(
  document: MetadataDocument,
  accounts: ReadonlySet<string>,
  secrets: SecretStore,
): Promise<string[]> {
  const replaced: string[] = [];
  for (const key of document.keys) {
    if (key.revokedAt !== null || !accounts.has(key.id)) continue;
    const secret = await secrets.get(key.id);
    if (secret !== null && fingerprintKey(secret) !== key.fingerprint) {
      replaced.push(key.id);
    }
  }
  return replaced;
}

async function deleteRecords(
  context: VaultContext,
  ids: readonly string[],
): Promise<KeyRecord[]> {
  if (ids.length === 0) return [];
  return updateMetadata(context.home, (draft) => {
    const missing = new Set(ids);
    const removed = draft.keys.filter((key) => missing.has(key.id));
    draft.keys = draft.keys.filter((key) => !missing.has(key.id));
    for (const key of removed) forgetKeyReferences(draft, key.id);
    return removed;
  });
}

/**
 * The secret of a keychain entry no key record names, so it can be checked
 * against a server before it is taken back. Refused for an entry that is
 * not an orphan: stored keys are read with `readSecret`.
 */
export async function readOrphanedSecret(
  context: VaultContext,
  id: string,
): Promise<string> {
  const document = await readMetadata(context.home);
  if (!isKeyId(id) || document.keys.some((key) => key.id === id)) {
    throw notAnOrphan(id);
  }
  const secret = await (await context.secrets()).get(id);
  if (secret === null) throw notAnOrphan(id);
  return secret;
}

/** What `adoptOrphanedSecret` records; the secret stays where it is. */
export type AdoptedKey = Omit<NewKey, 'secret'>;

/**
 * Takes back an orphaned keychain entry as a key record with the same id,
 * leaving the secret where it is: nothing is rewritten in the keychain, so
 * nothing can be lost on the way. The caller has checked the key with its
 * server; this checks the entry is still an orphan and still that key.
 */
export async function adoptOrphanedSecret(
  context: VaultContext,
  id: string,
  input: AdoptedKey,
): Promise<KeyRecord> {
  const secret = await readOrphanedSecret(context, id);
  const record = KeyRecord.parse({
    ...input,
    id,
    fingerprint: fingerprintKey(secret),
    requestedPermissions: input.requestedPermissions ?? null,
    userId: input.userId ?? null,
    ownerEmail: input.ownerEmail ?? null,
    isManager: input.isManager ?? false,
    createdAt: new Date().toISOString(),
  });
  const event: VaultEvent = {
    action: 'key.imported',
    serverId: record.serverId,
    keyId: id,
    fingerprint: record.fingerprint,
    details: {
      origin: record.origin.kind,
      permissions: record.grantedPermissions,
      recoveredFrom: 'keychain',
    },
  };
  assertNoSecrets(event);
  await updateMetadata(context.home, (draft) => addAdopted(draft, record));
  await context.log(event);
  return record;
}

function addAdopted(draft: MetadataDocument, record: KeyRecord): void {
  if (draft.keys.some((key) => key.id === record.id)) {
    throw notAnOrphan(record.id);
  }
  addKeyRecord(draft, record);
}

function notAnOrphan(id: string): VaultError {
  return new VaultError(
    'key-not-found',
    `The keychain holds no orphaned entry "${id}".`,
    'List the orphaned entries with `btcpay-keys reconcile`.',
  );
}
