/**
 * The permission model: which policies exist and what each includes. By
 * default it is the built-in v2.4.1 catalogue; a live server's
 * `GET /misc/permissions` answer adds the plugin policies it defines.
 */
import { CATALOGUE, type CatalogueEntry } from './catalogue';
import { isWellFormedPolicy, parsePermission, policyKind } from './parse';

/** One policy the model knows, from the catalogue or from a live server. */
export interface PolicyDefinition extends Omit<CatalogueEntry, 'addedIn'> {
  /** The first BTCPay release that defines it; null for plugin policies. */
  addedIn: string | null;
  /** `catalogue` for built-ins, `server` for plugin policies a server named. */
  source: 'catalogue' | 'server';
}

/** One entry of BTCPay's `GET /misc/permissions` answer. */
export interface ServerPolicyListing {
  name: string;
  /** Every policy it includes, transitively. */
  included: string[];
}

/** What the functions of this module need to know about policies. */
export interface PermissionModel {
  definitions: ReadonlyMap<string, PolicyDefinition>;
  /** Everything each policy includes, transitively, without itself. */
  descendants: ReadonlyMap<string, ReadonlySet<string>>;
  /** The policies a live server said it defines; null without a server. */
  serverPolicies: ReadonlySet<string> | null;
  /** The server's version when known, to tell which policies it lacks. */
  serverVersion: string | null;
}

const ROOT = 'unrestricted';

/**
 * Builds a model from the catalogue plus, when given, a live server's
 * `/misc/permissions` answer. Plugin policies the catalogue lacks are added
 * with the server's include lists; BTCPay hangs every policy without a
 * parent under `unrestricted`, so the model does too.
 */
export function createPermissionModel(
  misc?: readonly ServerPolicyListing[],
  options: { serverVersion?: string } = {},
): PermissionModel {
  const definitions = new Map<string, PolicyDefinition>();
  const edges = new Map<string, Set<string>>();
  for (const entry of CATALOGUE) {
    definitions.set(entry.policy, { ...entry, source: 'catalogue' });
    edges.set(entry.policy, new Set(entry.includes));
  }

  const listings = (misc ?? []).flatMap(readListing);
  mergeListings(listings, definitions, edges);

  const rootChildren = edges.get(ROOT) ?? new Set<string>();
  definitions.forEach((_, policy) => {
    if (policy !== ROOT) rootChildren.add(policy);
  });
  edges.set(ROOT, rootChildren);

  return {
    definitions,
    descendants: closeOver(edges),
    serverPolicies: misc ? namedByServer(listings) : null,
    serverVersion: options.serverVersion ?? null,
  };
}

/** The model built from the catalogue alone. */
export const CATALOGUE_MODEL: PermissionModel = createPermissionModel();

/** The definition of a policy, or undefined when the model lacks it. */
export function definitionOf(
  policy: string,
  model: PermissionModel = CATALOGUE_MODEL,
): PolicyDefinition | undefined {
  return model.definitions.get(policy.trim().toLowerCase());
}

/** Whether the model knows a policy (a permission's scope is ignored). */
export function known(
  permission: string,
  model: PermissionModel = CATALOGUE_MODEL,
): boolean {
  const parsed = parsePermission(permission);
  return parsed.ok && model.definitions.has(parsed.permission.policy);
}

/** The first BTCPay release that defines a policy; null when unknown. */
export function addedInVersion(
  policy: string,
  model: PermissionModel = CATALOGUE_MODEL,
): string | null {
  const definition = definitionOf(policy, model);
  return definition?.addedIn ?? null;
}

/**
 * Whether a server of the given version defines a built-in policy. Plugin
 * policies count as supported only when the model's server named them.
 */
export function isSupportedBy(
  policy: string,
  serverVersion: string,
  model: PermissionModel = CATALOGUE_MODEL,
): boolean {
  const name = policy.trim().toLowerCase();
  if (model.serverPolicies?.has(name)) return true;
  const addedIn = addedInVersion(name, model);
  const server = versionParts(serverVersion);
  if (addedIn === null || server === null) return false;
  return compareVersions(server, versionParts(addedIn) ?? []) >= 0;
}

/**
 * The permissions among `permissions` that a server would drop: malformed
 * ones, policies the server does not define (per its own list when the model
 * has one, else per its version, else per the catalogue).
 */
export function unknownPolicies(
  permissions: readonly string[],
  model: PermissionModel = CATALOGUE_MODEL,
): string[] {
  return permissions.filter((text) => {
    const parsed = parsePermission(text);
    if (!parsed.ok) return true;
    const { policy } = parsed.permission;
    if (model.serverPolicies) return !model.serverPolicies.has(policy);
    if (!model.definitions.has(policy)) return true;
    return model.serverVersion !== null
      ? !isSupportedBy(policy, model.serverVersion, model)
      : false;
  });
}

/**
 * Orders two dotted versions. LIMITATION: a pre-release suffix (`-rc1`) is
 * ignored, so a release candidate counts as the release it leads to.
 */
export function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** The numbers of a version such as `2.4.1`, `v1.0.3.165` or `2.4.0-rc1`. */
export function versionParts(version: string): number[] | null {
  const match = /^\s*v?(\d+(?:\.\d+)*)/i.exec(version);
  return match?.[1] ? match[1].split('.').map(Number) : null;
}

/** Adds a server's policies and include lists to the catalogue's. */
function mergeListings(
  listings: readonly ServerPolicyListing[],
  definitions: Map<string, PolicyDefinition>,
  edges: Map<string, Set<string>>,
): void {
  for (const { name, included } of listings) {
    if (!definitions.has(name)) {
      definitions.set(name, pluginDefinition(name, included));
    }
    const children = edges.get(name) ?? new Set<string>();
    included.forEach((child) => children.add(child));
    edges.set(name, children);
  }
  // A policy only named as included is still one the server defines.
  for (const { included } of listings) {
    for (const child of included) {
      if (!definitions.has(child)) {
        definitions.set(child, pluginDefinition(child, []));
        edges.set(child, new Set());
      }
    }
  }
}

// Every policy the answer names, as a listing or as included by one;
// `unrestricted` exists on every BTCPay whether listed or not.
function namedByServer(listings: readonly ServerPolicyListing[]): Set<string> {
  const named = new Set<string>([ROOT]);
  for (const { name, included } of listings) {
    named.add(name);
    included.forEach((child) => named.add(child));
  }
  return named;
}

function readListing(listing: ServerPolicyListing): ServerPolicyListing[] {
  const name = String(listing.name).trim().toLowerCase();
  if (!isWellFormedPolicy(name)) return [];
  const included = (Array.isArray(listing.included) ? listing.included : [])
    .map((child) => String(child).trim().toLowerCase())
    .filter((child) => isWellFormedPolicy(child) && child !== name);
  return [{ name, included }];
}

function pluginDefinition(
  policy: string,
  included: readonly string[],
): PolicyDefinition {
  return {
    policy,
    kind: policyKind(policy),
    title: policy,
    description:
      'A permission this server defines, most likely through a plugin. BTCPay publishes no description for it.',
    serverTitle: policy,
    addedIn: null,
    includes: [...included].sort(),
    risk: guessPluginRisk(policy),
    source: 'server',
  };
}

// Plugins describe nothing, so their risk is read from the name, erring on
// the side of caution: only a "view" name counts as read-only.
function guessPluginRisk(policy: string): PolicyDefinition['risk'] {
  const leaf = policy.slice(policy.lastIndexOf('.') + 1);
  const base = leaf.startsWith('canview') ? 'read-only' : 'changes-settings';
  return policyKind(policy) === 'server' ? ['server-admin', base] : [base];
}

function closeOver(
  edges: ReadonlyMap<string, ReadonlySet<string>>,
): Map<string, Set<string>> {
  const closure = new Map<string, Set<string>>();
  for (const start of edges.keys()) {
    const seen = new Set<string>();
    const pending = [...(edges.get(start) ?? [])];
    while (pending.length > 0) {
      const policy = pending.pop() as string;
      if (seen.has(policy) || policy === start) continue;
      seen.add(policy);
      pending.push(...(edges.get(policy) ?? []));
    }
    closure.set(start, seen);
  }
  return closure;
}
