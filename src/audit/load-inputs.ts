import path from 'node:path';
import { readCheckedEvents } from '../vault/event-log';
import { namesInFolder } from '../vault/keychain-accounts';
import { peekMetadata } from '../vault/metadata-store';
import type { SecretStore } from '../vault/secret-store';
import { setAsideFiles } from '../vault/set-aside-records';
import { loadAuditConfig } from './config';
import type { AuditInputs } from './run-audit';

/** Options of {@link loadAuditInputs}. */
export interface LoadAuditOptions {
  /** List keychain accounts too; the only mode that touches the keychain. */
  keychain: boolean;
  /** The keychain to list; opened lazily (keytar) when not given. */
  secretStore?: SecretStore;
  now?: Date;
}

/**
 * Reads what the audit needs from the data folder: metadata, event log,
 * audit.json and the names of set-aside metadata files. It opens no network
 * connection and, unless `keychain` is true, never loads or calls the
 * keychain; with it, only account names are listed, never a secret.
 */
export async function loadAuditInputs(
  home: string,
  options: LoadAuditOptions,
): Promise<AuditInputs> {
  // One read of the log gives both its check and its size; a broken log
  // still has readable entries, the finding says the rest.
  const [metadata, config, log, setAside] = await Promise.all([
    // No lock, no repair: the audit leaves the folder as it was.
    peekMetadata(home),
    loadAuditConfig(home),
    readCheckedEvents(home),
    setAsideFiles(home),
  ]);

  const inputs: AuditInputs = {
    metadata,
    eventCount: log.count,
    logVerification: log.verification,
    setAsideMetadata: setAside.map((file) => path.basename(file)),
    config,
    now: options.now ?? new Date(),
  };
  if (options.keychain) {
    const store = options.secretStore ?? (await openKeychain());
    // Only this folder's entries, by key id: other folders' are theirs.
    inputs.keychainAccounts = namesInFolder(
      metadata.keychainNamespace,
      await store.accounts(),
    );
  }
  return inputs;
}

async function openKeychain(): Promise<SecretStore> {
  // Imported here so a plain audit never even loads the keychain module.
  const { createKeytarStore } = await import('../vault/secret-store');
  return createKeytarStore();
}
