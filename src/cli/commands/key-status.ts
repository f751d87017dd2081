import type { KeyRecord } from '../../vault/schema';

/** One word for the state a merchant cares about. */
export function keyStatus(key: KeyRecord): string {
  if (key.revokedAt) return 'revoked';
  const last = key.lastVerification;
  if (!last)
    return key.isManager ? 'manager, never verified' : 'never verified';
  const when = last.at.slice(0, 10);
  return `${key.isManager ? 'manager, ' : ''}${last.result} (${when})`;
}
