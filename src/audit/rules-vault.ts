import { isInsecureServer } from '../greenfield/base-url';
import type { EventLogVerification } from '../vault/event-log';
import { isKeyId } from '../vault/ids';
import type {
  DelegationDecision,
  KeyRecord,
  ServerRecord,
} from '../vault/schema';
import {
  applicationOf,
  dayOf,
  isManagerKey,
  keyName,
  serverName,
  type DraftFinding,
  type RuleContext,
} from './rules';

/**
 * Rules that look across keys, at servers, at the event log and at the
 * keychain listing.
 */

/** The outcome of checking the event log's hash chain. */
export type LogVerification = EventLogVerification;

/**
 * Several keys for one app on one server: all but the newest are flagged,
 * since a fresh authorize round-trip mints a new key every time and the old
 * one stays valid on the server.
 */
export function duplicateFindings(
  activeKeys: readonly KeyRecord[],
  ctx: RuleContext,
): DraftFinding[] {
  const groups = new Map<string, KeyRecord[]>();
  for (const key of activeKeys) {
    const app = applicationOf(key);
    if (app === null || isManagerKey(key, ctx.serversById)) continue;
    const group = `${key.serverId}\u0000${app}`;
    const members = groups.get(group);
    if (members === undefined) groups.set(group, [key]);
    else members.push(key);
  }

  const findings: DraftFinding[] = [];
  for (const keys of groups.values()) {
    if (keys.length < 2) continue;
    const byAge = [...keys].sort((a, b) =>
      a.createdAt.localeCompare(b.createdAt),
    );
    const newest = byAge[byAge.length - 1] as KeyRecord;
    const app = applicationOf(newest) as string;
    for (const older of byAge.slice(0, -1)) {
      findings.push({
        rule: 'duplicate',
        keyId: older.id,
        serverId: older.serverId,
        title: `${keyName(older)} is an older key for ${app}`,
        explanation:
          `${keys.length} keys on ${serverName(older.serverId, ctx.serversById)} ` +
          `belong to ${app}. The newest is ${keyName(newest)} ` +
          `(${dayOf(newest.createdAt)}); this one, from ` +
          `${dayOf(older.createdAt)}, still works on the server.`,
        fix:
          'If the app now uses the newer key, revoke this one with ' +
          `"btcpay-keys key revoke ${older.id}".`,
      });
    }
  }
  return findings;
}

/** A key handed to another app: who, when, and whether it arrived. */
export function delegatedFindings(
  key: KeyRecord,
  delegations: readonly DelegationDecision[],
): DraftFinding[] {
  if (key.origin.kind !== 'delegated') return [];
  const { app, delivery } = key.origin;
  const appName = app.name ?? app.identifier ?? 'an app that gave no name';
  const identifier =
    app.identifier !== null && app.identifier !== appName
      ? ` (${app.identifier})`
      : '';
  const when = dayOf(delivery.at ?? key.createdAt);
  const delivered = delivery.status === 'delivered';
  const remembered = delegations.some(
    (d) => d.keyId === key.id && d.decision === 'allow',
  );

  const arrival = delivered
    ? `It was delivered on ${when}.`
    : delivery.status === 'failed'
      ? `Delivery failed (${delivery.error ?? 'no reason recorded'}), so ` +
        'the app may never have received it.'
      : 'Delivery never completed, so the app may never have received it.';
  return [
    {
      rule: 'delegated',
      // An undelivered key is live on the server but serves nobody.
      ...(delivered ? {} : { severity: 'low' as const }),
      keyId: key.id,
      serverId: key.serverId,
      title: `${keyName(key)} was given to ${appName}`,
      explanation:
        `The key was handed to ${appName}${identifier} on ${when}; that ` +
        `name is what the app said about itself. ${arrival}` +
        (remembered
          ? ' A remembered "allow" lets this app get keys again without asking.'
          : ''),
      fix: delivered
        ? `If you no longer use ${appName}, revoke the key with ` +
          `"btcpay-keys key revoke ${key.id}".`
        : `Revoke the unused key with "btcpay-keys key revoke ${key.id}" ` +
          'and let the app ask again.',
    },
  ];
}

/** A server whose address sends keys across the internet in clear text. */
export function insecureServerFindings(server: ServerRecord): DraftFinding[] {
  if (!isInsecureServer(server.baseUrl)) return [];
  return [
    {
      rule: 'insecure-server',
      serverId: server.id,
      title: `${server.baseUrl} is reached over plain http`,
      explanation:
        'The address is http on a public host, so every request, API key ' +
        'included, crosses the network unencrypted and can be read or ' +
        'changed on the way.',
      fix:
        'Serve BTCPay over https (or reach it through Tor or only on your ' +
        'local network), then add the server again with its https address.',
    },
  ];
}

type LogProblem = Exclude<LogVerification, { ok: true }>['problem'];

const LOG_TITLES: Record<LogProblem, string> = {
  changed: 'An entry of the event log was changed',
  removed: 'Entries are missing from the event log',
  truncated: 'The event log ends early',
  unparseable: 'The event log holds an unreadable entry',
};

/** A broken hash chain: someone or something rewrote the history. */
export function logFindings(log: LogVerification): DraftFinding[] {
  if (log.ok) return [];
  return [
    {
      rule: 'log-tampered',
      title: LOG_TITLES[log.problem],
      explanation:
        `${log.message} From line ${log.line} on, the log can no longer be ` +
        'trusted as the history of what happened to your keys.',
      fix:
        'Keep a copy of the log folder as it is, check who had access to ' +
        'this computer, then verify the stored keys and rotate those used ' +
        'since the last entry you trust.',
    },
  ];
}

/**
 * A damaged metadata file the vault moved aside. The keys it listed are
 * still in the keychain and still work, but nothing here names them any
 * more, so an audit of the fresh, empty list would otherwise look clean.
 */
export function setAsideMetadataFindings(fileName: string): DraftFinding[] {
  const day = /\.unreadable-(\d{4}-\d{2}-\d{2})T/.exec(fileName)?.[1];
  return [
    {
      rule: 'metadata-set-aside',
      title: `Damaged key metadata was set aside as ${fileName}`,
      explanation:
        `The key list could not be read${day ? ` on ${day}` : ''}, so it ` +
        `was moved, unchanged, to ${fileName} in the data folder and the ` +
        'key manager started again with an empty list. The keys it named ' +
        'are most likely still in the keychain and still work on their ' +
        'servers, but they are no longer listed, checked or audited here.',
      fix:
        'Run "btcpay-keys reconcile" to see the keychain entries no key ' +
        'names, add their server again with "btcpay-keys server add URL" ' +
        'if it is gone, and take the keys back with "btcpay-keys ' +
        'reconcile --adopt --server URL". Then move the set-aside file out ' +
        'of the data folder (keep it as a backup) to clear this finding.',
    },
  ];
}

/**
 * Compares the keychain listing with the metadata. Only entries shaped like
 * this app's key ids are judged, as `reconcile` does: anything else under
 * the service is not ours to call a leftover. An entry for a revoked key is
 * orphaned too, since revoking deletes the secret first.
 */
export function keychainFindings(
  keys: readonly KeyRecord[],
  accounts: readonly string[],
): DraftFinding[] {
  const present = new Set(accounts);
  const byId = new Map(keys.map((key) => [key.id, key]));
  const missing = keys.filter(
    (key) => key.revokedAt === null && !present.has(key.id),
  );
  const leftovers = [...present].filter((account) => {
    const key = byId.get(account);
    return key === undefined ? isKeyId(account) : key.revokedAt !== null;
  });
  return [
    ...missing.map(secretMissing),
    ...leftovers.map((account) => secretOrphaned(account, byId.get(account))),
  ];
}

function secretMissing(key: KeyRecord): DraftFinding {
  return {
    rule: 'secret-missing',
    keyId: key.id,
    serverId: key.serverId,
    title: `The secret of ${keyName(key)} is not in the keychain`,
    explanation:
      'The key manager lists this key but the OS keychain holds no entry ' +
      'for it, so the key manager can neither use, reveal nor revoke it.',
    fix:
      'If you still have the key, import it again with "btcpay-keys key ' +
      'import". Otherwise revoke it on BTCPay\'s API keys page and run ' +
      '"btcpay-keys reconcile --repair" to drop the record.',
  };
}

function secretOrphaned(
  account: string,
  key: KeyRecord | undefined,
): DraftFinding {
  if (key === undefined) {
    return {
      rule: 'secret-orphaned',
      title: `The keychain holds a secret for unknown key ${account}`,
      explanation:
        'No key in the key manager matches this keychain entry, so it is ' +
        'invisible in every list but still readable by your account.',
      fix:
        'If it is a key you still use, take it back with "btcpay-keys ' +
        'reconcile --adopt --server URL"; otherwise delete it with ' +
        '"btcpay-keys reconcile --delete-orphans".',
    };
  }
  return {
    rule: 'secret-orphaned',
    keyId: key.id,
    serverId: key.serverId,
    title: `The keychain still holds the secret of revoked ${keyName(key)}`,
    explanation:
      `The key was revoked on ${dayOf(key.revokedAt ?? '')}, but its ` +
      'secret was not removed from the keychain.',
    fix:
      `Run "btcpay-keys key delete ${key.id} --local-only" to remove the ` +
      "leftover secret; the event log keeps the key's history.",
  };
}
