import {
  createKeytarStore,
  fingerprintKey,
  VaultError,
  type SecretStore,
  type Vault,
} from '../vault';
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

/**
 * The unrevoked keys whose keychain entry holds another key than their
 * record's fingerprint names (overwritten outside BTCPay Key Manager).
 * Reads every stored secret, so it is for `reconcile`, not for listings.
 */
export async function keysWithReplacedSecret(
  vault: Vault,
  missing: readonly string[],
): Promise<string[]> {
  const skip = new Set(missing);
  const { keys } = await vault.metadata();
  const replaced: string[] = [];
  for (const key of keys) {
    if (key.revokedAt !== null || skip.has(key.id)) continue;
    if ((await keychainHolding(vault, key)) === 'replaced') {
      replaced.push(key.id);
    }
  }
  return replaced;
}

/** A stored key whose secret was written back, and what it replaced. */
export interface RestoredSecret {
  key: KeyRecord;
  /** What the entry held before: nothing, or another key. */
  previously: Exclude<KeychainHolding, 'holds-it'>;
  /** The fingerprint of the other key the entry held, now overwritten. */
  overwrittenFingerprint: string | null;
}

/**
 * Writes `secret` into the keychain entry of `key` and logs `key.restored`.
 * The caller has had the key confirmed by its server; this checks that the
 * secret is the one the record names and that the record still wants it.
 *
 * LIMITATION: the vault has no call that writes a stored key's secret, so
 * this writes through `keychain`, by default the OS keychain configured the
 * way the vault configures it. A vault opened with its own `secretStore`
 * must be given the same store here. Once the vault offers such a call, use
 * it instead and drop the `keychain` parameter.
 */
export async function restoreKeySecret(
  vault: Vault,
  key: KeyRecord,
  secret: string,
  keychain?: SecretStore,
): Promise<RestoredSecret> {
  if (fingerprintKey(secret) !== key.fingerprint) {
    throw new Error(`restoreKeySecret: not the secret of ${key.id}`);
  }
  const current = (await vault.metadata()).keys.find((k) => k.id === key.id);
  if (!current || current.revokedAt !== null) {
    throw new KeyOperationError(
      'key-not-found',
      `The key "${key.label}" (${key.id}) was revoked or deleted meanwhile; ` +
        'its secret was not written back.',
      'Run `btcpay-keys key import` again to store it as a new key.',
    );
  }
  const store = keychain ?? (await vaultKeychain(vault));
  const before = await store.get(key.id);
  if (before !== null && fingerprintKey(before) === key.fingerprint) {
    throw alreadyHeld(key);
  }

  await store.set(key.id, secret);
  if ((await keychainHolding(vault, key)) !== 'holds-it') {
    throw new Error(
      `restoreKeySecret: the secret of ${key.id} went to a keychain the ` +
        'vault does not read',
    );
  }
  const restored: RestoredSecret = {
    key: current,
    previously: before === null ? 'missing' : 'replaced',
    overwrittenFingerprint: before === null ? null : fingerprintKey(before),
  };
  await vault.log({
    action: 'key.restored',
    serverId: key.serverId,
    keyId: key.id,
    fingerprint: key.fingerprint,
    details: {
      previously: restored.previously,
      overwrittenFingerprint: restored.overwrittenFingerprint,
    },
  });
  return restored;
}

/** The refusal of a key stored here whose secret is where it belongs. */
export function alreadyHeld(key: KeyRecord): KeyOperationError {
  return new KeyOperationError(
    'key-already-stored',
    `This key is already stored as "${key.label}" (id ${key.id}).`,
    `See it with \`btcpay-keys key show ${key.id}\`.`,
  );
}

async function vaultKeychain(vault: Vault): Promise<SecretStore> {
  const { settings } = await vault.metadata();
  return createKeytarStore({
    timeoutMs: settings.keychainTimeoutSeconds * 1000,
  });
}
