import type { Logger } from '../log/logger';
import { appendEvents, type EventEntry, type VaultEvent } from './event-log';
import { folderSecretStore } from './folder-keychain';
import { readMetadata } from './metadata-store';
import { createKeytarStore, type SecretStore } from './secret-store';

/** What the vault's operations share: where, which keychain, which logger. */
export interface VaultContext {
  home: string;
  logger: Logger;
  /**
   * The keychain as this data folder sees it (entries named by key id, only
   * its own listed), created on first use so metadata reads never need it.
   */
  secrets(): Promise<SecretStore>;
  /** Appends to the event log and mirrors the entry to the logger. */
  log(event: VaultEvent): Promise<EventEntry>;
  /** Appends several events in one write, mirroring each to the logger. */
  logAll(events: readonly VaultEvent[]): Promise<EventEntry[]>;
}

/** Builds the shared context; the keychain timeout comes from settings. */
export function createVaultContext(
  home: string,
  logger: Logger,
  secretStore: SecretStore | undefined,
): VaultContext {
  let store: Promise<SecretStore> | undefined = secretStore
    ? Promise.resolve(folderSecretStore(secretStore, home))
    : undefined;
  return {
    home,
    logger,
    secrets: () => {
      store ??= readMetadata(home).then((document) =>
        folderSecretStore(
          createKeytarStore({
            timeoutMs: document.settings.keychainTimeoutSeconds * 1000,
          }),
          home,
        ),
      );
      return store;
    },
    log: async (event) => {
      const [entry] = await logAll([event]);
      return entry as EventEntry;
    },
    logAll,
  };

  async function logAll(events: readonly VaultEvent[]): Promise<EventEntry[]> {
    const entries = await appendEvents(home, events);
    for (const { seq, action, serverId, keyId, fingerprint } of entries) {
      // Each entry passed the secret guard: ids and fingerprints only.
      logger.info({ seq, action, serverId, keyId, fingerprint }, 'vault event');
    }
    return entries;
  }
}
