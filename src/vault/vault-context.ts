import type { Logger } from '../log/logger';
import { appendEvent, type EventEntry, type VaultEvent } from './event-log';
import { readMetadata } from './metadata-store';
import { createKeytarStore, type SecretStore } from './secret-store';

/** What the vault's operations share: where, which keychain, which logger. */
export interface VaultContext {
  home: string;
  logger: Logger;
  /** The keychain, created on first use so metadata reads never need it. */
  secrets(): Promise<SecretStore>;
  /** Appends to the event log and mirrors the entry to the logger. */
  log(event: VaultEvent): Promise<EventEntry>;
}

/** Builds the shared context; the keychain timeout comes from settings. */
export function createVaultContext(
  home: string,
  logger: Logger,
  secretStore: SecretStore | undefined,
): VaultContext {
  let store: Promise<SecretStore> | undefined = secretStore
    ? Promise.resolve(secretStore)
    : undefined;
  return {
    home,
    logger,
    secrets: () => {
      store ??= readMetadata(home).then((document) =>
        createKeytarStore({
          timeoutMs: document.settings.keychainTimeoutSeconds * 1000,
        }),
      );
      return store;
    },
    log: async (event) => {
      const entry = await appendEvent(home, event);
      // The entry passed the secret guard: ids and fingerprints only.
      const { seq, action, serverId, keyId, fingerprint } = entry;
      logger.info({ seq, action, serverId, keyId, fingerprint }, 'vault event');
      return entry;
    },
  };
}
