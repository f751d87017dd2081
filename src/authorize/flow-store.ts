import type { GreenfieldClient } from '../greenfield';
import { learnServerPolicies } from '../keys/server-policies';
import type { Logger } from '../log/logger';
import { diffPermissions } from '../permissions';
import type { Vault } from '../vault';
import type { KeyRecord, ServerRecord } from '../vault/schema';
import type {
  AuthorizeFlowOptions,
  AuthorizeFlowSuccess,
  FlowWarning,
} from './flow';
import type { AuthorizeRequest } from './request';

/**
 * Storing a key the server confirmed: its server record, the key with the
 * server's permissions, the manager role, and the older keys it supersedes.
 */

/** What the flow knows once a key arrived; shared with the store step. */
export type FlowState = {
  client: GreenfieldClient;
  baseUrl: string;
  request: Omit<AuthorizeRequest, 'redirect'>;
  authorizeUrl: string;
  warnings: FlowWarning[];
  logger: Logger;
};

/** A key the server confirmed, with what it said about it. */
export type VerifiedKey = {
  apiKey: string;
  userId: string | null;
  label: string;
  granted: string[];
  serverVersion: string | null;
};

/** Stores the confirmed key; a failed store takes the key back. */
export async function storeVerifiedKey(
  options: AuthorizeFlowOptions,
  state: FlowState,
  verified: VerifiedKey,
): Promise<AuthorizeFlowSuccess> {
  const { vault } = options;
  const { request, warnings } = state;
  const server = await serverRecord(vault, state.baseUrl, verified);
  const grantsManager = verified.granted.includes('unrestricted');
  const isManager = options.manager === true && grantsManager;
  if (options.manager && !grantsManager) {
    warnings.push({
      code: 'manager-not-granted',
      message:
        'The server did not grant unrestricted access, so this key is not ' +
        'kept as the manager key.',
    });
  }

  const key = await vault
    .storeKey({
      secret: verified.apiKey,
      serverId: server.id,
      label: verified.label || request.applicationName || 'Authorized key',
      grantedPermissions: verified.granted,
      requestedPermissions: request.permissions,
      origin: {
        kind: 'authorize',
        applicationName: request.applicationName ?? null,
        applicationIdentifier: request.applicationIdentifier ?? null,
      },
      // LIMITATION: the user id is as posted; BTCPay's key check does not
      // return it, and asking /users/me needs a permission the key may lack.
      userId: verified.userId,
      isManager,
    })
    .catch(async (error: unknown) => {
      // A working key nobody can see is worse than none: take it back.
      await state.client
        .revokeCurrentApiKey(verified.apiKey)
        .catch(() => undefined);
      throw error;
    });
  state.logger.info(
    { keyId: key.id, fingerprint: key.fingerprint, serverId: server.id },
    'stored a key from the browser authorize flow',
  );

  // Before adoption, which clears the previous manager key's mark.
  const supersededKeys = await findSupersededKeys(
    vault,
    key,
    request,
    isManager,
  );
  if (isManager) await adoptManagerKey(vault, server, key);
  await learnServerPolicies(vault, server.id, state.client, verified.apiKey);
  const storedServer = (await vault.findServer(server.id)) ?? server;
  return {
    outcome: 'stored',
    key,
    server: storedServer,
    authorizeUrl: state.authorizeUrl,
    requested: request.permissions,
    granted: verified.granted,
    differences: diffPermissions(request.permissions, verified.granted),
    supersededKeys,
    warnings,
    serverVersion: verified.serverVersion,
  };
}

/** The stored server for the base URL, added now that a key proved it. */
async function serverRecord(
  vault: Vault,
  baseUrl: string,
  verified: VerifiedKey,
): Promise<ServerRecord> {
  const existing = await vault.findServer(baseUrl);
  const server =
    existing ??
    (await vault.addServer({
      baseUrl,
      name: new URL(baseUrl).host,
      mintMethod: 'authorize',
    }));
  const changes: Partial<Pick<ServerRecord, 'userId' | 'serverVersion'>> = {};
  if (verified.userId && !server.userId) changes.userId = verified.userId;
  if (verified.serverVersion && verified.serverVersion !== server.serverVersion)
    changes.serverVersion = verified.serverVersion;
  if (Object.keys(changes).length === 0) return server;
  return vault.updateServer(server.id, changes);
}

async function adoptManagerKey(
  vault: Vault,
  server: ServerRecord,
  key: KeyRecord,
): Promise<void> {
  const previous = server.managerKeyId;
  if (previous && previous !== key.id) {
    await vault.updateKey(previous, { isManager: false });
  }
  await vault.updateServer(server.id, {
    managerKeyId: key.id,
    mintMethod: 'manager',
  });
}

/**
 * Older active keys of the same application on the same server. BTCPay's own
 * reuse needs the identical redirect URL, which a fresh loopback port never
 * is, so every run mints a new key and the old ones pile up unless offered
 * for revocation here.
 */
async function findSupersededKeys(
  vault: Vault,
  key: KeyRecord,
  request: Omit<AuthorizeRequest, 'redirect'>,
  isManager: boolean,
): Promise<KeyRecord[]> {
  const { keys } = await vault.metadata();
  return keys.filter((older) => {
    if (older.id === key.id || older.serverId !== key.serverId) return false;
    if (older.revokedAt !== null) return false;
    if (isManager && older.isManager) return true;
    if (older.origin.kind !== 'authorize') return false;
    if (request.applicationIdentifier) {
      return (
        older.origin.applicationIdentifier === request.applicationIdentifier
      );
    }
    return (
      request.applicationName !== undefined &&
      older.origin.applicationName === request.applicationName
    );
  });
}
