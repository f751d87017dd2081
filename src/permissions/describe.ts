/**
 * One permission in plain words: what it is called, what it lets an app do,
 * what it brings along, how risky it is and which stores it reaches.
 */
import { impliedPolicies } from './hierarchy';
import { CATALOGUE_MODEL, type PermissionModel } from './model';
import { parsePermission, policyKind, type PolicyKind } from './parse';
import { riskClasses, type RiskClass } from './risk';
import { surelyUndefined, unknownPolicyWords } from './unknown';

/** A permission explained for a merchant. */
export interface PermissionDescription {
  text: string;
  /** False when the text is not a permission at all. */
  valid: boolean;
  policy: string;
  scope: string | null;
  /** Whether the model (the catalogue, or a live server) defines it. */
  known: boolean;
  kind: PolicyKind;
  title: string;
  description: string;
  /** The first BTCPay release that defines it; null when unknown. */
  addedIn: string | null;
  /** Everything it includes, transitively, with titles. */
  implies: { policy: string; title: string }[];
  risks: RiskClass[];
  /** Which stores, account or server it applies to, in words. */
  scopeLabel: string;
}

/** What a description can use beyond the permission text. */
export interface DescribeContext {
  /** Store names by store id, to name scoped stores. */
  storeNames?: Record<string, string>;
  model?: PermissionModel;
}

/** Explains one permission string; never throws. */
export function describePermission(
  text: string,
  context: DescribeContext = {},
): PermissionDescription {
  const model = context.model ?? CATALOGUE_MODEL;
  const parsed = parsePermission(text);
  if (!parsed.ok) {
    return {
      text,
      valid: false,
      policy: typeof text === 'string' ? text.trim() : '',
      scope: null,
      known: false,
      kind: null,
      title: 'Not a valid permission',
      description: parsed.reason,
      addedIn: null,
      implies: [],
      risks: [],
      scopeLabel: 'Nothing',
    };
  }

  const { policy, scope } = parsed.permission;
  const definition = model.definitions.get(policy);
  const kind = definition?.kind ?? policyKind(policy);
  if (!definition) {
    return describeUnknown(parsed.permission.text, policy, scope, kind, model);
  }
  return {
    text: parsed.permission.text,
    valid: true,
    policy,
    scope,
    known: true,
    kind,
    title: definition.title,
    description: definition.description,
    addedIn: definition.addedIn,
    implies: impliedPolicies(policy, model).map((implied) => ({
      policy: implied,
      title: model.definitions.get(implied)?.title ?? implied,
    })),
    risks: riskClasses([parsed.permission.text], model),
    scopeLabel: scopeLabel(policy, kind, scope, context.storeNames),
  };
}

/**
 * A well-formed policy the model does not define, said with whose list
 * lacks it and, for a typo, what was meant. Where the server's own list
 * lacks it, BTCPay matches it against nothing: no store, no risk. Judged by
 * the built-in list alone it may be a plugin's, an unknown effect, as
 * `riskClasses` says for the whole key.
 */
function describeUnknown(
  text: string,
  policy: string,
  scope: string | null,
  kind: PolicyKind,
  model: PermissionModel,
): PermissionDescription {
  return {
    text,
    valid: true,
    policy,
    scope,
    known: false,
    kind,
    title: 'Unknown permission',
    description: unknownPolicyWords(policy, model),
    addedIn: null,
    implies: [],
    risks: riskClasses([text], model),
    scopeLabel: surelyUndefined(model)
      ? 'Nothing: it is not a defined permission'
      : 'Not known here',
  };
}

/** Which stores, account or server a permission applies to, in words. */
export function scopeLabel(
  policy: string,
  kind: PolicyKind,
  scope: string | null,
  storeNames: Record<string, string> = {},
): string {
  if (kind === 'store') {
    if (scope === null) return 'All stores, including future ones';
    const name = Object.hasOwn(storeNames, scope) ? storeNames[scope] : null;
    return name ? `Store “${name}” (${scope})` : `Store ${scope}`;
  }
  if (policy === 'btcpay.impersonation.canimpersonate') {
    return scope === null ? 'Any user it may act as' : `User ${scope}`;
  }
  // BTCPay stores a scope on other permissions but never matches it.
  const limited = scope === null ? '' : ` (limited to “${scope}”)`;
  if (policy === 'unrestricted') {
    return `Everything your account can reach${limited}`;
  }
  if (kind === 'server') return `The whole server, admins only${limited}`;
  if (kind === 'user') return `Your account${limited}`;
  return scope === null ? 'Not limited' : `Limited to “${scope}”`;
}
