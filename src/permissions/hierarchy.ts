/**
 * What a set of held permissions allows, checked the way BTCPay checks a
 * request: a held policy covers itself and everything it includes, and a
 * held scope covers only the same store, while no scope covers every store.
 */
import { CATALOGUE_MODEL, type PermissionModel } from './model';
import { parsePermission, type Permission } from './parse';

/** Everything a policy includes, transitively, without itself. */
export function impliedPolicies(
  policy: string,
  model: PermissionModel = CATALOGUE_MODEL,
): string[] {
  const descendants = model.descendants.get(policy.trim().toLowerCase());
  return descendants ? [...descendants].sort() : [];
}

/**
 * Whether holding `held` includes `wanted`. A policy the model does not know
 * covers only itself: BTCPay never matches it against anything else.
 */
export function policyCovers(
  held: string,
  wanted: string,
  model: PermissionModel = CATALOGUE_MODEL,
): boolean {
  return held === wanted || (model.descendants.get(held)?.has(wanted) ?? false);
}

/** Whether one held permission covers one requested permission. */
export function permissionCovers(
  held: Permission,
  requested: Permission,
  model: PermissionModel = CATALOGUE_MODEL,
): boolean {
  const scopeFits = held.scope === null || held.scope === requested.scope;
  return scopeFits && policyCovers(held.policy, requested.policy, model);
}

/** Whether the held permissions allow the requested one. */
export function grants(
  held: readonly string[],
  requested: string,
  model: PermissionModel = CATALOGUE_MODEL,
): boolean {
  const wanted = parsePermission(requested);
  if (!wanted.ok) return false;
  return parseAll(held).some((permission) =>
    permissionCovers(permission, wanted.permission, model),
  );
}

/** Whether the held permissions allow every requested one. */
export function grantsAll(
  held: readonly string[],
  requested: readonly string[],
  model: PermissionModel = CATALOGUE_MODEL,
): boolean {
  return requested.every((permission) => grants(held, permission, model));
}

/**
 * Everything the held permissions allow: each policy they reach with the
 * scopes it applies to, one entry per scope, sorted by policy. A policy held
 * for every store is listed once, without a scope.
 */
export function expandPermissions(
  held: readonly string[],
  model: PermissionModel = CATALOGUE_MODEL,
): Permission[] {
  const scopesByPolicy = new Map<string, Set<string | null>>();
  for (const permission of parseAll(held)) {
    const reached = [
      permission.policy,
      ...(model.descendants.get(permission.policy) ?? []),
    ];
    for (const policy of reached) {
      const scopes = scopesByPolicy.get(policy) ?? new Set();
      scopes.add(permission.scope);
      scopesByPolicy.set(policy, scopes);
    }
  }

  const expanded: Permission[] = [];
  const policies = [...scopesByPolicy.keys()].sort();
  for (const policy of policies) {
    const scopes = scopesByPolicy.get(policy) ?? new Set();
    const kept = scopes.has(null) ? [null] : [...scopes].sort();
    for (const scope of kept) {
      const text = scope === null ? policy : `${policy}:${scope}`;
      expanded.push({ policy, scope, text });
    }
  }
  return expanded;
}

/** The well-formed permissions among `texts`, parsed; others are skipped. */
export function parseAll(texts: readonly string[]): Permission[] {
  return texts.flatMap((text) => {
    const parsed = parsePermission(text);
    return parsed.ok ? [parsed.permission] : [];
  });
}
