import { silentLogger, type Logger } from '../log/logger';
import {
  readEvents,
  verifyEventLog,
  type EventEntry,
  type EventLogVerification,
  type VaultEvent,
} from './event-log';
import {
  restoreSecret,
  type RestoredSecret,
  readSecret,
  recordVerification,
  recordVerifications,
  storeKey,
  updateKey,
  type KeyPatch,
  type NewKey,
  type SecretPurpose,
  type VerificationRecord,
} from './key-operations';
import { deleteKey, markRevoked } from './key-removal';
import { ensureHome } from './lock';
import { readMetadata, updateMetadata } from './metadata-store';
import { dataHome } from './paths';
import {
  adoptOrphanedSecret,
  readOrphanedSecret,
  reconcile,
  type AdoptedKey,
  type ReconcileOptions,
  type ReconcileReport,
} from './reconcile';
import type {
  KeyRecord,
  MetadataDocument,
  ServerRecord,
  Verification,
} from './schema';
import type { SecretStore } from './secret-store';
import {
  addServer,
  findServerIn,
  removeServer,
  updateServer,
  type NewServer,
  type ServerPatch,
} from './server-operations';
import { createVaultContext } from './vault-context';
import type { z } from 'zod';

/**
 * Servers, keys and their secrets on this machine: metadata in the data
 * folder, secrets in the OS keychain, every action in the event log.
 * Shared safely by the Electron app and the command line.
 */
export interface Vault {
  /** The data folder in use. */
  readonly home: string;
  /** The metadata document; never touches the keychain. */
  metadata(): Promise<MetadataDocument>;
  /** Locked read-modify-write of the metadata; `change` edits a draft. */
  update<T>(change: (draft: MetadataDocument) => T | Promise<T>): Promise<T>;
  /** Adds a server, or returns the one already stored at that URL. */
  addServer(input: NewServer): Promise<ServerRecord>;
  updateServer(id: string, patch: ServerPatch): Promise<ServerRecord>;
  /** Refuses while keys are stored for it, unless `force`. */
  removeServer(id: string, options?: { force?: boolean }): Promise<void>;
  /** By local id or base URL; null when not stored. */
  findServer(idOrUrl: string): Promise<ServerRecord | null>;
  /**
   * Keychain first, metadata second, rolled back if the second fails: when
   * it throws, nothing was kept.
   */
  storeKey(input: NewKey): Promise<KeyRecord>;
  /**
   * Checks that the keychain answers, reading no secret, so a caller can
   * find out before it spends something it cannot get back (a rate-limited
   * password attempt, a key minted on a server).
   */
  checkKeychain(): Promise<void>;
  /** The secret; 'reveal' and 'copy' are logged, 'use' is not. */
  readSecret(keyId: string, purpose: SecretPurpose): Promise<string>;
  /** Writes a stored key's own secret back into its keychain entry. */
  restoreSecret(keyId: string, secret: string): Promise<RestoredSecret>;
  updateKey(id: string, patch: KeyPatch): Promise<KeyRecord>;
  recordVerification(
    id: string,
    verification: z.input<typeof Verification>,
  ): Promise<KeyRecord>;
  /** Many at once: one metadata write, one log append; skips deleted keys. */
  recordVerifications(
    records: readonly VerificationRecord[],
  ): Promise<KeyRecord[]>;
  /** Keeps the record (revokedAt set), drops the secret; once only. */
  markRevoked(id: string): Promise<KeyRecord>;
  /**
   * Removes the key from the keychain and the metadata; answers with the
   * record as it was when removed.
   */
  deleteKey(id: string): Promise<KeyRecord>;
  /** Lists keychain/metadata mismatches; deletes only what is asked. */
  reconcile(options: ReconcileOptions): Promise<ReconcileReport>;
  /** The secret of a keychain entry no key record names. */
  readOrphanedSecret(id: string): Promise<string>;
  /** Records an orphaned keychain entry as a key, under the same id. */
  adoptOrphanedSecret(id: string, input: AdoptedKey): Promise<KeyRecord>;
  /** Appends an event (refused if it carries anything secret-shaped). */
  log(event: VaultEvent): Promise<EventEntry>;
  events(): Promise<EventEntry[]>;
  verifyLog(): Promise<EventLogVerification>;
}

/** An account never stored: asking for it proves the keychain answers. */
const KEYCHAIN_CHECK_ACCOUNT = 'keychain-check';

/** Where the vault lives and what it talks to; all optional. */
export interface OpenVaultOptions {
  /** Defaults to `dataHome()`: BTCPAY_KEYS_HOME or Electron's userData. */
  home?: string;
  /** Defaults to the OS keychain through keytar. */
  secretStore?: SecretStore;
  logger?: Logger;
}

/** Opens (and if needed creates) the vault in `home`. */
export async function openVault(
  options: OpenVaultOptions = {},
): Promise<Vault> {
  const home = options.home ?? dataHome();
  await ensureHome(home);
  const context = createVaultContext(
    home,
    options.logger ?? silentLogger,
    options.secretStore,
  );

  return {
    home,
    metadata: () => readMetadata(home),
    update: (change) => updateMetadata(home, change),
    addServer: (input) => addServer(context, input),
    updateServer: (id, patch) => updateServer(context, id, patch),
    removeServer: (id, removal) => removeServer(context, id, removal),
    findServer: async (idOrUrl) =>
      findServerIn(await readMetadata(home), idOrUrl),
    storeKey: (input) => storeKey(context, input),
    checkKeychain: async () => {
      await (await context.secrets()).get(KEYCHAIN_CHECK_ACCOUNT);
    },
    readSecret: (keyId, purpose) => readSecret(context, keyId, purpose),
    restoreSecret: (keyId, secret) => restoreSecret(context, keyId, secret),
    updateKey: (id, patch) => updateKey(context, id, patch),
    recordVerification: (id, verification) =>
      recordVerification(context, id, verification),
    recordVerifications: (records) => recordVerifications(context, records),
    markRevoked: (id) => markRevoked(context, id),
    deleteKey: (id) => deleteKey(context, id),
    reconcile: (reconcileOptions) => reconcile(context, reconcileOptions),
    readOrphanedSecret: (id) => readOrphanedSecret(context, id),
    adoptOrphanedSecret: (id, input) => adoptOrphanedSecret(context, id, input),
    log: (event) => context.log(event),
    events: () => readEvents(home),
    verifyLog: () => verifyEventLog(home),
  };
}
