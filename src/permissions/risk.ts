/**
 * Risk classes: the few questions a merchant asks about a key before
 * trusting an app with it. Does it do everything? Does it need an admin?
 * Can it send money away? Can it change things? Does it reach stores that do
 * not exist yet? Or can it only look?
 */
import { expandPermissions, parseAll } from './hierarchy';
import { CATALOGUE_MODEL, type PermissionModel } from './model';
import { policyKind } from './parse';
import { surelyUndefined } from './unknown';

/** Every risk class, most serious first; results follow this order. */
export const RISK_CLASSES = [
  'unrestricted',
  'server-admin',
  'moves-funds',
  'changes-settings',
  'unknown-effect',
  'all-stores',
  'read-only',
] as const;

/** One risk a set of permissions can carry. */
export type RiskClass = (typeof RISK_CLASSES)[number];

/**
 * A risk a defined policy carries by itself; the scope-based risk and the
 * one for policies without a definition are excluded.
 */
export type PolicyRisk = Exclude<RiskClass, 'all-stores' | 'unknown-effect'>;

/** A merchant-facing name and explanation for each risk class. */
export const RISK_LABELS: Readonly<
  Record<RiskClass, { name: string; explanation: string }>
> = {
  unrestricted: {
    name: 'Unrestricted',
    explanation:
      'Can do everything your account can do, including what BTCPay adds later.',
  },
  'server-admin': {
    name: 'Server administration',
    explanation:
      'Acts on the whole server; only works when the key belongs to an admin.',
  },
  'moves-funds': {
    name: 'Moves funds',
    explanation:
      'Can send money out: signing or broadcasting transactions, payouts, pull payments or Lightning payments.',
  },
  'changes-settings': {
    name: 'Changes settings',
    explanation: 'Can change or delete settings and existing data.',
  },
  'unknown-effect': {
    name: 'Unknown effect',
    explanation:
      'Holds a permission this app does not know, such as a plugin’s or a newer BTCPay’s, so what it allows cannot be told here.',
  },
  'all-stores': {
    name: 'All stores',
    explanation:
      'Applies to every store you can access, including stores created later.',
  },
  'read-only': {
    name: 'Read-only',
    explanation: 'Can only look; it changes nothing.',
  },
};

/**
 * The risk classes of a set of permissions, counting everything they
 * include. Read-only is given only when every effective policy just views.
 * A policy the model does not know grants nothing only when the model holds
 * the server's own list; judged by the built-in list alone, it may be a
 * plugin's or a newer server's, so it is an unknown effect, never read-only.
 */
export function riskClasses(
  permissions: readonly string[],
  model: PermissionModel = CATALOGUE_MODEL,
): RiskClass[] {
  const found = new Set<RiskClass>();
  let onlyViews = true;
  let anyKnown = false;

  for (const { policy } of expandPermissions(permissions, model)) {
    const definition = model.definitions.get(policy);
    if (!definition) {
      if (!surelyUndefined(model)) {
        found.add('unknown-effect');
        onlyViews = false;
      }
      continue;
    }
    anyKnown = true;
    if (!definition.risk.includes('read-only')) onlyViews = false;
    definition.risk
      .filter((risk) => risk !== 'read-only')
      .forEach((risk) => found.add(risk));
  }

  const reachesAllStores = parseAll(permissions).some(
    (permission) =>
      permission.scope === null &&
      model.definitions.has(permission.policy) &&
      (policyKind(permission.policy) === 'store' ||
        permission.policy === 'unrestricted'),
  );
  if (reachesAllStores) found.add('all-stores');
  if (anyKnown && onlyViews) found.add('read-only');
  // Unrestricted already covers whatever a plugin's policy allows.
  if (found.has('unrestricted')) found.delete('unknown-effect');

  return RISK_CLASSES.filter((risk) => found.has(risk));
}

/** Distinct permission lists whose risks are remembered; a vault has few. */
const RISK_CACHE_LIMIT = 2_000;
// Per model: a server with plugins can give the same list other risks.
const knownRisks = new WeakMap<
  PermissionModel,
  Map<string, readonly RiskClass[]>
>();

/**
 * `riskClasses`, remembered per model and distinct list: thousands of keys
 * share a handful of lists, and expanding each key's list again made
 * listing 10,000 keys cost twice its parsing.
 */
export function cachedRiskClasses(
  permissions: readonly string[],
  model: PermissionModel = CATALOGUE_MODEL,
): RiskClass[] {
  let remembered = knownRisks.get(model);
  if (remembered === undefined) {
    remembered = new Map();
    knownRisks.set(model, remembered);
  }
  const id = permissions.join('\n');
  let risks = remembered.get(id);
  if (risks === undefined) {
    if (remembered.size >= RISK_CACHE_LIMIT) remembered.clear();
    risks = riskClasses(permissions, model);
    remembered.set(id, risks);
  }
  return [...risks];
}
