import { parsePermission, policyKind, type Permission } from './parse';
import { describePermission, type PermissionDescription } from './describe';
import { riskClasses, type RiskClass } from './risk';

/**
 * Which stores a set of permissions reaches, and limiting it to one. A
 * request with `selectiveStores=true` asks the merchant to pick one store,
 * and a key for it must never reach more than that store: BTCPay's page
 * asks for the store, and minting here requires one to be picked. The
 * new-key form limits a key to the store picked there the same way.
 */

/** The parts of a request that decide its store reach. */
export interface StoreReach {
  permissions: readonly string[];
  selectiveStores: boolean;
}

function parsed(texts: readonly string[]): Permission[] {
  return texts.flatMap((text) => {
    const result = parsePermission(text);
    return result.ok ? [result.permission] : [];
  });
}

function isStore(permission: Permission): boolean {
  return policyKind(permission.policy) === 'store';
}

/**
 * True when the merchant must pick the store: store selection is asked for
 * and at least one store permission names no store yet.
 */
export function needsStoreChoice(request: StoreReach): boolean {
  return (
    request.selectiveStores &&
    parsed(request.permissions).some((p) => isStore(p) && p.scope === null)
  );
}

/** True when some store permission already names its store. */
export function hasNamedStore(permissions: readonly string[]): boolean {
  return parsed(permissions).some((p) => isStore(p) && p.scope !== null);
}

/** The permissions with every store permission that names none scoped to `store`. */
export function scopedTo(
  permissions: readonly string[],
  store: string,
): string[] {
  return parsed(permissions).map((p) =>
    isStore(p) && p.scope === null ? `${p.policy}:${store}` : p.text,
  );
}

/** The stores named by the store permissions of a set, in first-seen order. */
export function storesNamed(permissions: readonly string[]): string[] {
  const stores = parsed(permissions)
    .filter((p) => isStore(p) && p.scope !== null)
    .map((p) => p.scope as string);
  return [...new Set(stores)];
}

/** The permissions in a comparable form: parsed, de-duplicated, sorted. */
export function canonicalSet(permissions: readonly string[]): string[] {
  return [...new Set(parsed(permissions).map((p) => p.text))].sort();
}

/** True when two permission sets hold exactly the same permissions. */
export function samePermissionSet(
  a: readonly string[],
  b: readonly string[],
): boolean {
  const left = canonicalSet(a);
  const right = canonicalSet(b);
  return left.length === right.length && left.every((p, i) => p === right[i]);
}

/**
 * The risk classes of the key a request would get. When the merchant picks
 * the store, the key reaches that one store only, so "all stores" comes
 * only from what stays unscoped (an unrestricted key, say), not from the
 * store permissions the pick will limit.
 */
export function requestRiskClasses(request: StoreReach): RiskClass[] {
  if (!needsStoreChoice(request)) return riskClasses(request.permissions);
  return riskClasses(scopedTo(request.permissions, 'the-picked-store'));
}

/** What the merchant is told a picked-store permission applies to. */
export const PICKED_STORE_SCOPE = 'The one store you pick';

/**
 * Each permission of a request in words. Where the merchant picks the
 * store, a store permission that names none applies to that one store, not
 * to all of them, and says so.
 */
export function describeRequestPermissions(
  request: StoreReach,
): PermissionDescription[] {
  const picking = needsStoreChoice(request);
  return request.permissions.map((text) => {
    const words = describePermission(text);
    const limited =
      picking && words.known && words.kind === 'store' && words.scope === null;
    return limited ? { ...words, scopeLabel: PICKED_STORE_SCOPE } : words;
  });
}
