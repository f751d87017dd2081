/**
 * Risk classes: the few questions a merchant asks about a key before
 * trusting an app with it. Does it do everything? Does it need an admin?
 * Can it send money away? Can it change things? Does it reach stores that do
 * not exist yet? Or can it only look?
 */
import { expandPermissions, parseAll } from './hierarchy';
import { CATALOGUE_MODEL, type PermissionModel } from './model';
import { policyKind } from './parse';

/** One risk a set of permissions can carry. */
export type RiskClass =
  | 'unrestricted'
  | 'server-admin'
  | 'moves-funds'
  | 'changes-settings'
  | 'all-stores'
  | 'read-only';

/** A risk a single policy carries by itself; scope-based risks excluded. */
export type PolicyRisk = Exclude<RiskClass, 'all-stores'>;

/** Every risk class, most serious first; results follow this order. */
export const RISK_CLASSES: readonly RiskClass[] = [
  'unrestricted',
  'server-admin',
  'moves-funds',
  'changes-settings',
  'all-stores',
  'read-only',
];

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
 * Permissions the model does not know are ignored: they grant nothing.
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
    if (!definition) continue;
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

  return RISK_CLASSES.filter((risk) => found.has(risk));
}
