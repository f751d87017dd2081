import {
  cachedRiskClasses,
  describePermission,
  permissionModelForServer,
  type PermissionDescription,
  type RiskClass,
} from '../permissions';
import type { Vault } from '../vault';
import type { KeyRecord, ServerRecord } from '../vault/schema';
import { requireKey } from './lookup';

/** A stored key with its server and every permission explained. */
export interface KeyDetail {
  key: KeyRecord;
  server: ServerRecord;
  /** Each granted permission in plain words, in the stored order. */
  permissions: PermissionDescription[];
  /**
   * The risks of the key as a whole, as the app and the audit give them:
   * read-only only when every permission just views.
   */
  risks: RiskClass[];
}

/** Explains a stored key from its metadata alone (no keychain, no network). */
export async function describeKey(
  vault: Vault,
  keyId: string,
): Promise<KeyDetail> {
  const { key, server } = await requireKey(vault, keyId);
  // In the server's own words, so its plugin policies keep their hierarchy.
  const model = permissionModelForServer(server);
  const permissions = key.grantedPermissions.map((permission) =>
    describePermission(permission, { model }),
  );
  const risks = cachedRiskClasses(key.grantedPermissions, model);
  return { key, server, permissions, risks };
}
