import { randomBytes } from 'node:crypto';

const BASE32_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/** RFC 4648 base32, lower case, no padding: readable and safe in any shell. */
function base32(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let output = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      output += BASE32_ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) output += BASE32_ALPHABET[(value << (5 - bits)) & 31];
  return output;
}

/** 80 random bits: unique without coordination between app and CLI. */
function randomId(prefix: string): string {
  return prefix + base32(randomBytes(10));
}

/** A new local key id, also the key's keychain account name. */
export function newKeyId(): string {
  return randomId('k_');
}

/** A new local server id. */
export function newServerId(): string {
  return randomId('s_');
}

/** A new id for a remembered delegation decision. */
export function newDelegationId(): string {
  return randomId('d_');
}

/**
 * A new keychain namespace: what a data folder's keychain accounts start
 * with, so folders sharing one keychain never see each other's entries.
 */
export function newKeychainNamespace(): string {
  return randomId('n_');
}

const KEY_ID = /^k_[a-z2-7]{16}$/;

/** True for strings shaped like the key ids this app creates. */
export function isKeyId(value: string): boolean {
  return KEY_ID.test(value);
}
