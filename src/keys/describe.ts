import {
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
  /** Every risk any of its permissions carries, without repeats. */
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
  const risks = [...new Set(permissions.flatMap((p) => p.risks))];
  return { key, server, permissions, risks };
}
