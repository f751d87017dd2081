import type { PermissionLine, PolicyView, PresetView } from '../contract';
import { impliedPolicies } from '../permissions/hierarchy';
import {
  CATALOGUE_MODEL,
  definitionOf,
  type PermissionModel,
} from '../permissions/model';
import { parsePermission, policyKind } from '../permissions/parse';
import { PRESETS } from '../permissions/presets';
import { cachedRiskClasses } from '../permissions/risk';

/**
 * Puts permissions into the plain words the inspector, the picker and the
 * consent screen show, using the permission model of the core.
 */

function kindOf(
  policy: string,
  model: PermissionModel = CATALOGUE_MODEL,
): PolicyView['kind'] {
  const kind = definitionOf(policy, model)?.kind ?? policyKind(policy);
  // Impersonation has no prefix kind; its scope names a user.
  if (kind === null) return policy.includes('impersonat') ? 'user' : 'unknown';
  return kind;
}

function statusOf(
  permission: string,
  granted: ReadonlySet<string>,
  requested: ReadonlySet<string> | null,
): PermissionLine['status'] {
  if (requested === null) return 'both';
  const isGranted = granted.has(permission);
  const isRequested = requested.has(permission);
  if (isGranted && isRequested) return 'both';
  return isGranted ? 'granted-only' : 'requested-only';
}

/**
 * One permission explained, with its store name when the scope is known, in
 * the words of the key's server (its plugin policies included) when given.
 */
export function permissionLine(
  permission: string,
  status: PermissionLine['status'],
  storeNames: ReadonlyMap<string, string>,
  model: PermissionModel = CATALOGUE_MODEL,
): PermissionLine {
  const parsed = parsePermission(permission);
  const policy = parsed.ok ? parsed.permission.policy : permission;
  const scope = parsed.ok ? parsed.permission.scope : null;
  const definition = definitionOf(policy, model);
  return {
    permission,
    policy,
    scope,
    storeName: scope === null ? null : (storeNames.get(scope) ?? null),
    kind: kindOf(policy, model),
    title: definition?.title ?? policy,
    description:
      definition?.description ??
      'BTCPay does not define this permission, so it grants nothing.',
    implies: impliedPolicies(policy, model).map(
      (implied) => definitionOf(implied, model)?.title ?? implied,
    ),
    risks: parsed.ok ? cachedRiskClasses([permission], model) : [],
    status,
    unknown: definition === undefined,
  };
}

/**
 * Every permission of a key or request, explained: granted and requested
 * merged, each marked with which side it is on.
 */
export function permissionLines(
  granted: readonly string[],
  requested: readonly string[] | null,
  storeNames: ReadonlyMap<string, string> = new Map(),
  model: PermissionModel = CATALOGUE_MODEL,
): PermissionLine[] {
  const grantedSet = new Set(granted);
  const requestedSet = requested ? new Set(requested) : null;
  const all = [...new Set([...granted, ...(requested ?? [])])];
  return all.map((permission) =>
    permissionLine(
      permission,
      statusOf(permission, grantedSet, requestedSet),
      storeNames,
      model,
    ),
  );
}

/** Every policy of the catalogue, for the permission picker. */
export function policyViews(): PolicyView[] {
  return [...CATALOGUE_MODEL.definitions.values()].map((definition) => ({
    policy: definition.policy,
    title: definition.title,
    description: definition.description,
    kind: kindOf(definition.policy),
    risks: cachedRiskClasses([definition.policy]),
  }));
}

/** The picker's presets, the same sets the command line offers. */
export function presetViews(): PresetView[] {
  return PRESETS.map((preset) => ({
    id: preset.id,
    name: preset.name,
    description: preset.description,
    permissions: [...preset.permissions],
  }));
}
