/** The vault: secrets in the OS keychain, metadata and event log on disk. */
export { openVault, type OpenVaultOptions, type Vault } from './vault';
export type {
  NewKey,
  KeyPatch,
  RestoredSecret,
  SecretPurpose,
  VerificationRecord,
} from './key-operations';
export type { NewServer, ServerPatch } from './server-operations';
export type {
  AdoptedKey,
  ReconcileOptions,
  ReconcileReport,
  RememberedKey,
} from './reconcile';
export { VaultError, type VaultFailure } from './vault-error';
export { normaliseServerUrl } from './base-url';
export { dataHome, vaultFiles, PRODUCT_NAME, type VaultFiles } from './paths';
export {
  createKeytarStore,
  withTimeout,
  KeychainError,
  KEYCHAIN_SERVICE,
  DEFAULT_KEYCHAIN_TIMEOUT_MS,
  type SecretStore,
  type KeytarBackend,
  type KeytarStoreOptions,
  type KeychainFailure,
  type KeychainStoreName,
} from './secret-store';
export { fingerprintKey } from './fingerprint';
export { newKeyId, newServerId, newDelegationId, isKeyId } from './ids';
export {
  readMetadata,
  updateMetadata,
  MetadataError,
  type MetadataProblem,
  type MetadataReadOptions,
} from './metadata-store';
export { MIGRATIONS, migrateMetadata, type Migration } from './migrations';
export {
  appendEvent,
  appendEvents,
  readEvents,
  readCheckedEvents,
  verifyEventLog,
  assertNoSecrets,
  SecretInEventError,
  KNOWN_EVENT_ACTIONS,
  type EventAction,
  type CheckedEvents,
  type EventEntry,
  type EventLogVerification,
  type KnownEventAction,
  type VaultEvent,
} from './event-log';
export { onVaultLockWait, VaultBusyError, withVaultLock } from './lock';
export * from './schema';
