import { createHash } from 'node:crypto';

/**
 * A short, stable name for an API key that does not reveal it.
 *
 * 64 bits of SHA-256 are enough to tell a user's keys apart and to spot a
 * keychain entry that no longer matches its metadata, and far too few to
 * help anyone guess a 160-bit key.
 */
export function fingerprintKey(apiKey: string): string {
  const digest = createHash('sha256').update(apiKey, 'utf8').digest('hex');
  return `sha256:${digest.slice(0, 16)}`;
}
