/** Permissions the server reports now versus the ones stored locally. */
export interface PermissionDrift {
  /** Held now but not stored. */
  added: string[];
  /** Stored but no longer held. */
  removed: string[];
}

/**
 * Compares two permission lists as sets (order and duplicates do not matter);
 * `null` when they agree. Policies are compared case-insensitively, as BTCPay
 * does, and store scopes exactly.
 */
export function comparePermissionSets(
  stored: string[],
  reported: string[],
): PermissionDrift | null {
  const storedSet = new Set(stored.map(canonical));
  const reportedSet = new Set(reported.map(canonical));
  const added = [...reportedSet].filter((p) => !storedSet.has(p)).sort();
  const removed = [...storedSet].filter((p) => !reportedSet.has(p)).sort();
  return added.length === 0 && removed.length === 0 ? null : { added, removed };
}

function canonical(permission: string): string {
  const colon = permission.indexOf(':');
  return colon === -1
    ? permission.toLowerCase()
    : `${permission.slice(0, colon).toLowerCase()}${permission.slice(colon)}`;
}
