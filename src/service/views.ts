import type { KeyView, OriginView, ServerView } from '../contract';
import { isInsecureServer } from '../greenfield/base-url';
import { cachedRiskClasses } from '../permissions/risk';
import { permissionModelForServer } from '../permissions/server-model';
import type { KeyRecord, ServerRecord } from '../vault/schema';

/**
 * Builds the UI's views from vault records. Records never carry secrets, and
 * the views name only what the contract names.
 */

/** A server as the server list shows it. */
export function serverView(
  server: ServerRecord,
  keys: KeyRecord[],
): ServerView {
  return {
    id: server.id,
    baseUrl: server.baseUrl,
    name: server.name,
    email: server.email,
    serverVersion: server.serverVersion,
    mintMethod: server.mintMethod,
    managerKeyId: server.managerKeyId,
    addedAt: server.addedAt,
    keyCount: keys.filter((k) => k.serverId === server.id && !k.revokedAt)
      .length,
    insecure: isInsecureServer(server.baseUrl),
  };
}

/** Where a key came from, in words for lists and filters. */
export function originView(origin: KeyRecord['origin']): OriginView {
  switch (origin.kind) {
    case 'authorize':
      return {
        kind: 'authorize',
        appName: origin.applicationName,
        appIdentifier: origin.applicationIdentifier,
        detail: 'Authorized in the browser',
      };
    case 'rest':
      return {
        kind: 'rest',
        appName: null,
        appIdentifier: null,
        detail:
          origin.via === 'basic'
            ? 'Created over the API with a password'
            : 'Created over the API with the manager key',
      };
    case 'imported':
      return {
        kind: 'imported',
        appName: null,
        appIdentifier: null,
        detail: 'Imported',
      };
    case 'delegated':
      return {
        kind: 'delegated',
        appName: origin.app.name,
        appIdentifier: origin.app.identifier,
        detail: `Delegated to ${origin.app.name ?? 'an app'} (unverified), delivery ${origin.delivery.status}`,
      };
  }
}

/** A key as the inventory lists it: metadata and risks, no secret. */
export function keyView(
  key: KeyRecord,
  serversById: ReadonlyMap<string, ServerRecord>,
): KeyView {
  return {
    id: key.id,
    serverId: key.serverId,
    serverName: serversById.get(key.serverId)?.name ?? 'Unknown server',
    label: key.label,
    fingerprint: key.fingerprint,
    grantedPermissions: key.grantedPermissions,
    requestedPermissions: key.requestedPermissions,
    origin: originView(key.origin),
    isManager: key.isManager,
    createdAt: key.createdAt,
    lastVerification: key.lastVerification
      ? {
          at: key.lastVerification.at,
          result: key.lastVerification.result,
          message: key.lastVerification.message,
        }
      : null,
    revokedAt: key.revokedAt,
    risks: cachedRiskClasses(
      key.grantedPermissions,
      permissionModelForServer(serversById.get(key.serverId)),
    ),
  };
}

/** Servers by id, for building many key views at once. */
export function serversById(
  servers: ServerRecord[],
): Map<string, ServerRecord> {
  return new Map(servers.map((server) => [server.id, server]));
}
