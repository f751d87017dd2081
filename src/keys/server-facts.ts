import { grants } from '../permissions';
import type { Vault } from '../vault';
import type { MintMethod, ServerPatch, ServerRecord } from '../vault';
import type { ServerClient } from './clients';

/**
 * What a server tells us once a key is at hand: its version and who owns the
 * key. Keys are stored with their owner so they can later be revoked by the
 * right route, and the server record shows which account this app uses.
 */

/** A BTCPay account as far as this machine knows it. */
export interface KnownAccount {
  userId: string | null;
  email: string | null;
}

/** What the server said, asked with a key just received. */
export interface ServerFacts {
  serverVersion: string | null;
  /** The key's owner, when the key may read its own profile. */
  owner: KnownAccount | null;
}

/** Short: these answers are nice to have, never worth holding a key up. */
const FACTS_TIMEOUT_MS = 5_000;

const CAN_VIEW_PROFILE = 'btcpay.user.canviewprofile';

/**
 * Asks `/api/v1/server/info` (any key may) and, only when the key holds
 * `btcpay.user.canviewprofile`, `/api/v1/users/me`, so no request is sent
 * that is bound to fail. Best effort: a failure leaves the fact unknown.
 */
export async function learnWithKey(
  client: ServerClient,
  apiKey: string,
  grantedPermissions: readonly string[],
): Promise<ServerFacts> {
  const auth = { kind: 'token', apiKey } as const;
  const options = { timeoutMs: FACTS_TIMEOUT_MS };
  const [info, user] = await Promise.all([
    client.serverInfo(auth, options).catch(() => null),
    grants(grantedPermissions, CAN_VIEW_PROFILE)
      ? client.currentUser(auth, options).catch(() => null)
      : null,
  ]);
  return {
    serverVersion: info?.version ?? null,
    owner: user ? { userId: user.id, email: user.email ?? null } : null,
  };
}

/** The account `id-or-email` names, as given (BTCPay takes either). */
export function accountNamed(idOrEmail: string): KnownAccount {
  return idOrEmail.includes('@')
    ? { userId: null, email: idOrEmail }
    : { userId: idOrEmail, email: null };
}

/** The stored owner of a key, or null when nothing is known about it. */
export function ownerOfKey(key: {
  userId: string | null;
  ownerEmail?: string | null;
}): KnownAccount | null {
  const email = key.ownerEmail ?? null;
  return key.userId === null && email === null
    ? null
    : { userId: key.userId, email };
}

/**
 * Whether two accounts are the same one: equal ids, or equal emails (BTCPay
 * compares emails without case). Unknown fields prove nothing.
 */
export function sameAccount(a: KnownAccount, b: KnownAccount): boolean {
  if (a.userId !== null && b.userId !== null) return a.userId === b.userId;
  if (a.email !== null && b.email !== null) {
    return a.email.toLowerCase() === b.email.toLowerCase();
  }
  return false;
}

/** What a newly stored key taught us about its server. */
export interface ServerLearning {
  serverVersion: string | null;
  /** The account this app mints with there, when this key shows it. */
  account: KnownAccount | null;
  /** True when the key just became the server's manager key. */
  becameManager: boolean;
  /** How this key was minted; null for an imported key. */
  mintedWith: MintMethod | null;
}

/**
 * Records what was learnt on the server in one update: the version last
 * seen, the account (filled in when unknown, replaced when a manager key
 * arrives, since that account mints from now on) and how keys are minted
 * (a manager key wins over a password, which is spent once).
 */
export async function recordServerFacts(
  vault: Vault,
  serverId: string,
  learnt: ServerLearning,
): Promise<void> {
  const server = await vault.findServer(serverId);
  if (!server) return;
  const patch: ServerPatch = {
    ...versionPatch(server, learnt.serverVersion),
    ...accountPatch(server, learnt.account, learnt.becameManager),
    ...mintMethodPatch(server, learnt),
  };
  if (Object.keys(patch).length > 0) await vault.updateServer(server.id, patch);
}

function versionPatch(
  server: ServerRecord,
  version: string | null,
): ServerPatch {
  return version && version !== server.serverVersion
    ? { serverVersion: version }
    : {};
}

function accountPatch(
  server: ServerRecord,
  account: KnownAccount | null,
  replace: boolean,
): ServerPatch {
  if (!account) return {};
  const stored = { userId: server.userId, email: server.email };
  if (sameAccount(stored, account)) {
    return changedFields(stored, {
      userId: stored.userId ?? account.userId,
      email: stored.email ?? account.email,
    });
  }
  const empty = stored.userId === null && stored.email === null;
  return replace || empty ? changedFields(stored, account) : {};
}

function changedFields(stored: KnownAccount, next: KnownAccount): ServerPatch {
  const patch: ServerPatch = {};
  if (next.userId !== stored.userId) patch.userId = next.userId;
  if (next.email !== stored.email) patch.email = next.email;
  return patch;
}

function mintMethodPatch(
  server: ServerRecord,
  learnt: ServerLearning,
): ServerPatch {
  const method: MintMethod | null = learnt.becameManager
    ? 'manager'
    : server.mintMethod === 'manager'
      ? null
      : learnt.mintedWith;
  return method && method !== server.mintMethod ? { mintMethod: method } : {};
}
