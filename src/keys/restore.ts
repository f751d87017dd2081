import { VaultError, type RestoredSecret, type Vault } from '../vault';
import type { KeyRecord } from '../vault/schema';
import { KeyOperationError } from './errors';

/**
 * Putting a stored key's secret back into the keychain entry its record
 * names, when that entry went missing or was overwritten with another key.
 */

/** What the keychain holds for a stored key, judged by its fingerprint. */
export type KeychainHolding = 'holds-it' | 'missing' | 'replaced';

/**
 * Whether the keychain still holds a stored key's secret. The secret is
 * read and fingerprinted in this process and never leaves it.
 */
export async function keychainHolding(
  vault: Vault,
  key: KeyRecord,
): Promise<KeychainHolding> {
  try {
    await vault.readSecret(key.id, 'use');
    return 'holds-it';
  } catch (error) {
    if (!(error instanceof VaultError)) throw error;
    if (error.code === 'secret-missing') return 'missing';
    if (error.code === 'secret-mismatch') return 'replaced';
    throw error;
  }
}

/** A stored key whose secret was written back: the entry was missing or held another key. */
export type RestoredKeySecret = RestoredSecret & {
  previously: Exclude<RestoredSecret['previously'], 'held'>;
};

/**
 * Writes `secret` back into the keychain entry of `key` through the vault,
 * which checks the fingerprint, refuses a revoked key and logs
 * `key.restored`. The caller has had the key confirmed by its server.
 */
export async function restoreKeySecret(
  vault: Vault,
  key: KeyRecord,
  secret: string,
): Promise<RestoredKeySecret> {
  let restored;
  try {
    restored = await vault.restoreSecret(key.id, secret);
  } catch (error) {
    if (error instanceof VaultError && error.code === 'key-not-found') {
      throw new KeyOperationError(
        'key-not-found',
        `The key "${key.label}" (${key.id}) was deleted meanwhile; its ` +
          'secret was not written back.',
        'Run `btcpay-keys key import` again to store it as a new key.',
      );
    }
    throw error;
  }
  if (restored.previously === 'held') throw alreadyHeld(restored.key);
  return { ...restored, previously: restored.previously };
}

/** The refusal of a key stored here whose secret is where it belongs. */
export function alreadyHeld(key: KeyRecord): KeyOperationError {
  return new KeyOperationError(
    'key-already-stored',
    `This key is already stored as "${key.label}" (id ${key.id}).`,
    `See it with \`btcpay-keys key show ${key.id}\`.`,
  );
}
