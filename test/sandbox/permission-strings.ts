import { compareVersions, policiesForVersion, policyKind } from './hierarchy';

/** A permission string split the way BTCPay's Permission.TryParse does. */
export interface ParsedPermission {
  policy: string;
  scope?: string;
}

const POLICY_SHAPE = /^(?:btcpay\.([a-z0-9]+\.)*[a-z0-9]+|unrestricted)$/;

/** Splits at the first ':'; the policy is trimmed and lower-cased. */
export function parsePermission(raw: string): ParsedPermission | null {
  const colon = raw.indexOf(':');
  const policy = (colon < 0 ? raw : raw.slice(0, colon)).trim().toLowerCase();
  if (!POLICY_SHAPE.test(policy)) return null;
  if (colon < 0) return { policy };
  const scope = raw.slice(colon + 1);
  return scope === '' ? null : { policy, scope };
}

/** Writes a parsed permission back as `policy[:scope]`. */
export function formatPermission(permission: ParsedPermission): string {
  return permission.scope === undefined
    ? permission.policy
    : `${permission.policy}:${permission.scope}`;
}

/**
 * Parses a permission the way POST /api/v1/api-keys does on `version`:
 * from 2.3.6 only the syntax is checked; up to 2.3.5 the policy had to be
 * known and only store policies could carry a scope.
 */
export function parseForCreate(
  raw: string,
  version: string,
): ParsedPermission | null {
  const parsed = parsePermission(raw);
  if (!parsed || compareVersions(version, '2.3.6') >= 0) return parsed;
  if (!policiesForVersion(version).has(parsed.policy)) return null;
  if (parsed.scope !== undefined && policyKind(parsed.policy) !== 'store') {
    return null;
  }
  return parsed;
}
