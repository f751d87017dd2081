import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { readCheckedEvents } from '../vault/event-log';
import { namesInFolder } from '../vault/keychain-accounts';
import { migrateMetadata } from '../vault/migrations';
import { vaultFiles } from '../vault/paths';
import type { SecretStore } from '../vault/secret-store';
import { MetadataDocument } from '../vault/schema';
import { setAsideFiles, startingMetadata } from '../vault/set-aside-records';
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

/** The metadata file exists but cannot be read as metadata. */
export class AuditMetadataError extends Error {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(
      `The key list in ${file} cannot be read: ${detail}. Run ` +
        '"btcpay-keys key list" to let the key manager explain or repair it.',
    );
    this.name = 'AuditMetadataError';
  }
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
    readMetadata(home),
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

/**
 * Reads the metadata file without locking, repairing or setting it aside
 * (as the vault's own reader does): an audit leaves the folder as it was.
 */
async function readMetadata(home: string): Promise<MetadataDocument> {
  const file = vaultFiles(home).metadata;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return startingMetadata(home);
    }
    throw error;
  }

  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new AuditMetadataError(file, 'it is not valid JSON');
  }
  try {
    raw = migrateMetadata(raw);
  } catch (error) {
    throw new AuditMetadataError(file, (error as Error).message);
  }
  const parsed = MetadataDocument.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || 'the document';
    throw new AuditMetadataError(file, `${where}: ${issue?.message ?? '?'}`);
  }
  return parsed.data;
}
