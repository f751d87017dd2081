/**
 * Reading and writing BTCPay permission strings, `policy` or `policy:scope`,
 * the way BTCPay itself reads them: split at the first colon, the policy
 * trimmed and lower-cased, the scope (a store id) kept exactly as written.
 */

/** Who a permission is about: your account, the server, or a store. */
export type PolicyKind = 'user' | 'server' | 'store' | null;

/** One parsed permission; `text` is its canonical spelling. */
export interface Permission {
  policy: string;
  scope: string | null;
  text: string;
}

/** A permission string read, or the reason it cannot be one. */
export type ParsedPermission =
  { ok: true; permission: Permission } | { ok: false; reason: string };

// BTCPay's own syntax check for a policy name.
const POLICY_SYNTAX = /^(?:btcpay\.([a-z0-9]+\.)*[a-z0-9]+|unrestricted)$/;

// Longest text quoted back in a reason, so a pasted blob stays readable.
const QUOTE_LIMIT = 80;

/** Whether a policy name is well formed, known to BTCPay or not. */
export function isWellFormedPolicy(policy: string): boolean {
  return POLICY_SYNTAX.test(policy);
}

/** Reads `policy` or `policy:scope`; never throws. */
export function parsePermission(text: string): ParsedPermission {
  if (typeof text !== 'string') {
    return { ok: false, reason: 'A permission must be text.' };
  }
  const colon = text.indexOf(':');
  const policy = (colon < 0 ? text : text.slice(0, colon)).trim().toLowerCase();
  const scope = colon < 0 ? null : text.slice(colon + 1);

  if (policy === '') {
    return {
      ok: false,
      reason: `“${quote(text)}” names no permission. A permission looks like btcpay.store.canviewinvoices.`,
    };
  }
  if (!isWellFormedPolicy(policy)) {
    return {
      ok: false,
      reason: `“${quote(policy)}” is not a BTCPay permission name. Names look like btcpay.store.canviewinvoices or unrestricted.`,
    };
  }
  if (scope === '') {
    return {
      ok: false,
      reason: `“${quote(text)}” ends with a colon but names no store. Remove the colon to mean every store, or add the store id after it.`,
    };
  }
  return {
    ok: true,
    permission: { policy, scope, text: formatPermission({ policy, scope }) },
  };
}

/** Writes a permission back as BTCPay expects it: `policy` or `policy:scope`. */
export function formatPermission(permission: {
  policy: string;
  scope?: string | null;
}): string {
  const policy = permission.policy.trim().toLowerCase();
  const scope = permission.scope;
  return scope === null || scope === undefined || scope === ''
    ? policy
    : `${policy}:${scope}`;
}

/**
 * Whether a policy is about your account, the server or a store, by its
 * prefix as BTCPay decides it; plugins use `btcpay.plugin.<kind>.`.
 */
export function policyKind(policy: string): PolicyKind {
  const name = policy.trim().toLowerCase();
  for (const kind of ['user', 'server', 'store'] as const) {
    if (
      name.startsWith(`btcpay.${kind}.`) ||
      name.startsWith(`btcpay.plugin.${kind}.`)
    ) {
      return kind;
    }
  }
  return null;
}

function quote(text: string): string {
  return text.length > QUOTE_LIMIT ? `${text.slice(0, QUOTE_LIMIT)}…` : text;
}
