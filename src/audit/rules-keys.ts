import type { KeyRecord, Verification } from '../vault/schema';
import type { RuleId } from './report-schema';
import {
  dayOf,
  daysSince,
  isManagerKey,
  keyName,
  keyRiskClasses,
  serverName,
  type DraftFinding,
  type RuleContext,
} from './rules';

/**
 * Rules that look at one active key at a time: what it can do, whether it
 * was checked against its server, and how old it is.
 */

/** Every single-key finding for an active (not revoked) key. */
export function keyFindings(key: KeyRecord, ctx: RuleContext): DraftFinding[] {
  return [
    ...capabilityFindings(key, ctx),
    ...verificationFindings(key, ctx),
    ...rotationFindings(key, ctx),
  ];
}

function about(key: KeyRecord): Pick<DraftFinding, 'keyId' | 'serverId'> {
  return { keyId: key.id, serverId: key.serverId };
}

/** What a capability finding says, given the key's and server's names. */
interface CapabilityText {
  title: (key: string, server: string) => string;
  explanation: string;
  fix: string;
}

const CAPABILITIES: Record<
  | 'manager-key'
  | 'unrestricted'
  | 'server-admin'
  | 'moves-funds'
  | 'all-stores',
  CapabilityText
> = {
  'manager-key': {
    title: (key, server) => `${key} is the manager key of ${server}`,
    explanation:
      'The key manager uses this key to create and revoke other keys. It ' +
      'can do everything your account can, on every store and, for an ' +
      'admin account, on the whole server.',
    fix:
      'Keep it only on this computer and rotate it regularly. If you no ' +
      'longer create keys from here, revoke it on the server.',
  },
  unrestricted: {
    title: (key, server) => `${key} has unrestricted access to ${server}`,
    explanation:
      'Whoever holds this key can do anything your account can: move ' +
      'funds, change every store, and administer the server if your ' +
      'account is an admin.',
    fix:
      'Replace it with a key that asks only for the permissions the app ' +
      'needs, then revoke this one.',
  },
  'server-admin': {
    title: (key, server) => `${key} can administer ${server}`,
    explanation:
      'This key holds server-wide permissions: it can change server ' +
      'settings or manage users, which affects every store on the server.',
    fix:
      'Unless this app administers the server, replace the key with one ' +
      'limited to store permissions and revoke this one.',
  },
  'moves-funds': {
    title: (key) => `${key} can move funds`,
    explanation:
      'This key can send money out: create payouts, pull payments or ' +
      'refunds, or spend from a store wallet.',
    fix:
      'Make sure the app holding it needs to pay out. If not, replace it ' +
      'with a key without those permissions and revoke this one.',
  },
  'all-stores': {
    title: (key) => `${key} applies to every store`,
    explanation:
      'At least one permission of this key is not limited to a store, so ' +
      'it covers every store your account can reach, including stores ' +
      'created later.',
    fix:
      'Replace it with a key whose store permissions name the stores the ' +
      'app needs, then revoke this one.',
  },
};

/**
 * The manager key is unrestricted by design, so it gets its own finding
 * instead of `unrestricted`; an unrestricted key already covers the narrower
 * risks, so they are not repeated for it. The shorthand holds only while the
 * broader rule is on: with it switched off in audit.json, the next rule down
 * speaks, so switching off `unrestricted` never hides that a key can
 * administer the server or move funds.
 */
function capabilityFindings(key: KeyRecord, ctx: RuleContext): DraftFinding[] {
  const rules = capabilityRules(key, ctx);
  const name = keyName(key);
  const server = serverName(key.serverId, ctx.serversById);
  return rules.map((rule) => ({
    rule,
    ...about(key),
    title: CAPABILITIES[rule].title(name, server),
    explanation: CAPABILITIES[rule].explanation,
    fix: CAPABILITIES[rule].fix,
  }));
}

/** The capability rules that speak for a key, broadest enabled rule first. */
function capabilityRules(
  key: KeyRecord,
  ctx: RuleContext,
): (keyof typeof CAPABILITIES)[] {
  const enabled = (rule: RuleId) => !ctx.config.disabledRules.includes(rule);
  const classes = keyRiskClasses(key, ctx.serversById);

  if (isManagerKey(key, ctx.serversById) && enabled('manager-key')) {
    return ['manager-key'];
  }
  if (classes.includes('unrestricted') && enabled('unrestricted')) {
    return ['unrestricted'];
  }
  return (['server-admin', 'moves-funds', 'all-stores'] as const).filter(
    (risk) => classes.includes(risk),
  );
}

function verificationFindings(
  key: KeyRecord,
  ctx: RuleContext,
): DraftFinding[] {
  const check = key.lastVerification;
  if (check === null) {
    return [
      {
        rule: 'never-verified',
        ...about(key),
        title: `${keyName(key)} was never checked against its server`,
        explanation:
          'The permissions shown for this key are what was recorded when it ' +
          'was stored; the server has not confirmed them.',
        fix: verifyFix(key),
      },
    ];
  }
  return [
    staleFinding(key, check, ctx),
    unknownFinding(key, check),
    driftFinding(key, check),
  ].filter((finding) => finding !== null);
}

function verifyFix(key: KeyRecord): string {
  return `Run "btcpay-keys key verify ${key.id}" while the server is reachable.`;
}

function staleFinding(
  key: KeyRecord,
  check: Verification,
  ctx: RuleContext,
): DraftFinding | null {
  const age = daysSince(check.at, ctx.now);
  const limit = ctx.config.staleVerificationDays;
  if (age < limit) return null;
  return {
    rule: 'stale-verification',
    ...about(key),
    title: `${keyName(key)} was last checked ${age} days ago`,
    explanation:
      `The last check was on ${dayOf(check.at)} (result: ${check.result}). ` +
      `Keys should be checked at least every ${limit} days to notice ` +
      'revoked or changed keys.',
    fix: verifyFix(key),
  };
}

function unknownFinding(
  key: KeyRecord,
  check: Verification,
): DraftFinding | null {
  if (check.result !== 'unknown-key') return null;
  return {
    rule: 'unknown-to-server',
    ...about(key),
    title: `The server does not know ${keyName(key)}`,
    explanation:
      `On ${dayOf(check.at)} the server answered that this key does not ` +
      'exist: it was revoked there, or the server was reset.',
    fix:
      `Run "btcpay-keys key revoke ${key.id}" to remove it here too, and ` +
      'create a new key if you still need access.',
  };
}

function driftFinding(
  key: KeyRecord,
  check: Verification,
): DraftFinding | null {
  if (check.result !== 'valid') return null;
  // The vault replaces the record with what the server reported and keeps
  // what it replaced; older records only have the stored grant to compare.
  const recorded = check.previousPermissions ?? key.grantedPermissions;
  const drift = permissionDrift(recorded, check.permissions);
  if (drift === null) return null;
  return {
    rule: 'permission-drift',
    ...about(key),
    title: `${keyName(key)} holds different permissions than recorded`,
    explanation:
      `On ${dayOf(check.at)} the server reported ${drift}. The key ` +
      'manager may be showing you the wrong permissions for this key.',
    fix:
      'The record now shows what the server reports. Check whether the key ' +
      'still fits its purpose and why the stored permissions were wrong (an ' +
      `edited metadata file?); "btcpay-keys key verify ${key.id}" clears this ` +
      'once the server and the record agree.',
  };
}

/** Describes how two permission lists differ, or null when they agree. */
function permissionDrift(
  recorded: readonly string[],
  reported: readonly string[] | null,
): string | null {
  if (reported === null) return null;
  const recordedSet = new Set(recorded.map(canonicalPermission));
  const reportedSet = new Set(reported.map(canonicalPermission));
  const added = [...reportedSet].filter((p) => !recordedSet.has(p));
  const missing = [...recordedSet].filter((p) => !reportedSet.has(p));
  if (added.length === 0 && missing.length === 0) return null;

  const parts: string[] = [];
  if (added.length > 0) parts.push(`extra permissions: ${added.join(', ')}`);
  if (missing.length > 0) {
    parts.push(`missing permissions: ${missing.join(', ')}`);
  }
  return parts.join('; ');
}

/** BTCPay lower-cases policy names but keeps the store id's case. */
function canonicalPermission(permission: string): string {
  const colon = permission.indexOf(':');
  if (colon === -1) return permission.toLowerCase();
  return permission.slice(0, colon).toLowerCase() + permission.slice(colon);
}

function rotationFindings(key: KeyRecord, ctx: RuleContext): DraftFinding[] {
  const age = daysSince(key.createdAt, ctx.now);
  if (age < ctx.config.rotationDays) return [];
  return [
    {
      rule: 'rotation-due',
      ...about(key),
      title: `${keyName(key)} is ${age} days old`,
      explanation:
        `It was created on ${dayOf(key.createdAt)}. Keys older than ` +
        `${ctx.config.rotationDays} days are due for replacement, so a key ` +
        'that leaked unnoticed stops working.',
      fix:
        'Create a new key with the same permissions, give it to the app, ' +
        'then revoke this one.',
    },
  ];
}
