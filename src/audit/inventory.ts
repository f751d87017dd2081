import {
  describePermission,
  permissionModelForServer,
  type PermissionModel,
} from '../permissions';
import type { KeyOrigin, KeyRecord } from '../vault/schema';
import type { InventoryEntry, PermissionInWords } from './report-schema';
import {
  daysSince,
  isManagerKey,
  keyRiskClasses,
  type RuleContext,
} from './rules';

/**
 * The inventory: every stored key described in words, without its secret,
 * as an accountant would list it.
 */

/** One inventory line per key, revoked keys included (with `revokedAt`). */
export function buildInventory(
  keys: readonly KeyRecord[],
  ctx: Pick<RuleContext, 'serversById' | 'now'>,
): InventoryEntry[] {
  const { serversById, now } = ctx;
  // Words per server: a server's plugin policies are known only there.
  const inWords = new Map<PermissionModel, Map<string, PermissionInWords>>();
  const wordsFor = (serverId: string, permission: string) => {
    const model = permissionModelForServer(serversById.get(serverId));
    const known = inWords.get(model) ?? new Map<string, PermissionInWords>();
    inWords.set(model, known);
    let words = known.get(permission);
    if (words === undefined) {
      words = permissionInWords(permission, model);
      known.set(permission, words);
    }
    return words;
  };
  return keys.map((key) => ({
    keyId: key.id,
    serverId: key.serverId,
    serverUrl: serversById.get(key.serverId)?.baseUrl ?? null,
    label: key.label,
    fingerprint: key.fingerprint,
    origin: originInWords(key.origin),
    permissions: key.grantedPermissions.map((permission) =>
      wordsFor(key.serverId, permission),
    ),
    riskClasses: keyRiskClasses(key, serversById),
    isManager: isManagerKey(key, serversById),
    createdAt: key.createdAt,
    ageDays: daysSince(key.createdAt, now),
    lastVerification:
      key.lastVerification === null
        ? null
        : {
            at: key.lastVerification.at,
            result: key.lastVerification.result,
          },
    revokedAt: key.revokedAt,
  }));
}

/** A permission's title and the stores it covers, in plain words. */
export function permissionInWords(
  permission: string,
  model?: PermissionModel,
): PermissionInWords {
  const described = describePermission(permission, model ? { model } : {});
  return {
    permission,
    title: described.title,
    scope: described.scopeLabel,
  };
}

/** Where the key came from, as one short phrase. */
export function originInWords(origin: KeyOrigin): string {
  switch (origin.kind) {
    case 'authorize': {
      const app = origin.applicationName ?? origin.applicationIdentifier;
      return app === null
        ? 'authorized in the browser'
        : `authorized in the browser for ${app}`;
    }
    case 'rest':
      return origin.via === 'basic'
        ? 'created with your BTCPay password'
        : 'created with the manager key';
    case 'imported':
      return 'imported (pasted in)';
    case 'delegated': {
      const app = origin.app.name ?? origin.app.identifier ?? 'an unnamed app';
      return `delegated to ${app} (${origin.delivery.status})`;
    }
  }
}
