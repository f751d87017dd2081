import type { Vault } from '../vault';
import type { KeyRecord } from '../vault/schema';
import type { KeyVerification } from './verify';

/**
 * How `verifyKeys` records its results: many to a write. Every write of the
 * metadata is locked, synced and checks the whole document, so one write
 * per key would cost a run of hundreds of keys far more on disk than on the
 * network.
 */

/** Results wait at most this long before they are written... */
const FLUSH_AFTER_MS = 200;
/** ...or until this many are waiting. */
const FLUSH_AT_RESULTS = 250;

/** Queues results for the vault; `flushed` resolves once all are written. */
export interface ResultWriter {
  add(key: KeyRecord, verification: KeyVerification): void;
  /** Writes what is still queued and waits for every write. */
  flushed(): Promise<void>;
}

/**
 * Writes queued results a moment after the first of them arrived, or as
 * soon as many are waiting, one write after the other. A run cut short
 * keeps what was written by then; `flushed` writes the rest.
 */
export function resultWriter(vault: Vault): ResultWriter {
  let queued: Array<{ key: KeyRecord; verification: KeyVerification }> = [];
  let writing: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | null = null;
  let failure: unknown = null;

  const writeQueued = async (): Promise<void> => {
    const batch = queued;
    queued = [];
    if (batch.length === 0) return;
    await vault.recordVerifications(
      batch.map(({ key, verification }) => ({
        keyId: key.id,
        verification: {
          at: new Date().toISOString(),
          result: verification.result,
          permissions: verification.permissions,
          message: verification.message,
        },
      })),
    );
    for (const { key, verification } of batch) {
      if (!verification.drift) continue;
      // The vault takes the server's permissions as the new truth; the log
      // keeps what changed, so the drift stays visible afterwards.
      await vault.log({
        action: 'key.permissions-changed',
        serverId: key.serverId,
        keyId: key.id,
        fingerprint: key.fingerprint,
        details: { ...verification.drift },
      });
    }
  };

  const flush = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    writing = writing.then(writeQueued).catch((error: unknown) => {
      failure ??= error;
    });
  };

  return {
    add(key, verification) {
      queued.push({ key, verification });
      if (queued.length >= FLUSH_AT_RESULTS) flush();
      else timer ??= setTimeout(flush, FLUSH_AFTER_MS);
    },
    async flushed() {
      flush();
      await writing;
      if (failure !== null) throw failure;
    },
  };
}
