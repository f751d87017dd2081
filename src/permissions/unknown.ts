/**
 * Policies a server does not define, in words: whose list says so, and the
 * defined policy a typo most likely meant.
 */
import { CATALOGUE_SERVER_VERSION } from './catalogue';
import {
  CATALOGUE_MODEL,
  compareVersions,
  versionParts,
  type PermissionModel,
} from './model';

/**
 * Whose list lacks a policy, to end "… is unknown to ": the server's own
 * list when it published one, else its version where the built-in list
 * covers it, else the built-in list's version.
 */
export function unknownTo(model: PermissionModel = CATALOGUE_MODEL): string {
  if (model.serverPolicies) {
    return 'this server: it is not in the list of permissions the server publishes';
  }
  const server = model.serverVersion ? versionParts(model.serverVersion) : null;
  const catalogue = versionParts(CATALOGUE_SERVER_VERSION) ?? [];
  if (server && compareVersions(server, catalogue) <= 0) {
    return `BTCPay ${model.serverVersion}, the version this server runs`;
  }
  return `BTCPay ${CATALOGUE_SERVER_VERSION}, the newest version whose permissions this app knows`;
}

/**
 * True when the server's own published list lacks the policy, so it surely
 * allows nothing there. Judged by the built-in list alone, a policy may
 * still be a plugin's or a newer server's.
 */
export function surelyUndefined(
  model: PermissionModel = CATALOGUE_MODEL,
): boolean {
  return model.serverPolicies !== null;
}

/**
 * What an undefined policy means for a key, in one place for every screen:
 * whose list lacks it, what it allows as far as that list can tell, and
 * what a typo meant.
 */
export function unknownPolicyWords(
  policy: string,
  model: PermissionModel = CATALOGUE_MODEL,
): string {
  const meant = closestPolicy(policy, model);
  const effect = surelyUndefined(model)
    ? 'It allows nothing: a key that holds it gains nothing from it.'
    : 'It may be a plugin’s or a newer server’s permission, so what it ' +
      'allows is not known here; verify the key to fetch the server’s own ' +
      'list of permissions.';
  return (
    `${policy} is unknown to ${unknownTo(model)}. ${effect}` +
    (meant ? ` Did you mean ${meant}?` : '')
  );
}

/** Typos further away than this are not guessed at. */
const MAX_EDITS = 2;

/**
 * The defined policy `policy` most likely misspells (`canviewinvoice` for
 * `canviewinvoices`), or null when none is close or two are equally close.
 */
export function closestPolicy(
  policy: string,
  model: PermissionModel = CATALOGUE_MODEL,
): string | null {
  const name = policy.trim().toLowerCase();
  if (model.definitions.has(name)) return null;
  let best: string | null = null;
  let bestDistance = MAX_EDITS + 1;
  let tied = false;
  for (const candidate of model.definitions.keys()) {
    const distance = editDistance(name, candidate, bestDistance + 1);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
      tied = false;
    } else if (distance === bestDistance) {
      tied = true;
    }
  }
  return best !== null && !tied && bestDistance <= MAX_EDITS ? best : null;
}

/**
 * Insertions, deletions and substitutions from `a` to `b`; anything at or
 * over `limit` is reported as `limit`, which keeps long names cheap.
 */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    let rowBest = i;
    for (let j = 1; j <= b.length; j += 1) {
      const substitution =
        (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      const value = Math.min(
        substitution,
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
      );
      current.push(value);
      rowBest = Math.min(rowBest, value);
    }
    if (rowBest >= limit) return limit;
    previous = current;
  }
  return Math.min(previous[b.length] ?? limit, limit);
}
