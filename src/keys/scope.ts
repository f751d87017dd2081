import { parsePermission, policyKind, type Permission } from '../permissions';
import { KeyOperationError } from './errors';

/**
 * Scopes each unscoped store permission to every given store
 * (`btcpay.store.canviewinvoices` → `btcpay.store.canviewinvoices:STORE`),
 * keeps everything else as written, and refuses malformed permissions before
 * anything is sent.
 */
export function scopePermissionsToStores(
  permissions: string[],
  stores: string[],
): string[] {
  const parsed = permissions.map((text) => parseOrRefuse(text));
  if (stores.length === 0) return unique(parsed.map((p) => p.text));

  const hasStorePermission = parsed.some((p) => isUnscopedStorePermission(p));
  if (!hasStorePermission) {
    throw new KeyOperationError(
      'invalid-request',
      'A store was given, but none of the permissions is an unscoped store ' +
        'permission (btcpay.store.…) it could apply to.',
      'Add a store permission such as btcpay.store.canviewinvoices, or drop ' +
        '--store.',
    );
  }

  const scoped = parsed.flatMap((p) =>
    isUnscopedStorePermission(p)
      ? stores.map((store) => `${p.policy}:${store}`)
      : [p.text],
  );
  return unique(scoped);
}

function parseOrRefuse(text: string): Permission {
  const parsed = parsePermission(text);
  if (!parsed.ok) {
    throw new KeyOperationError(
      'invalid-request',
      `"${text}" is not a permission BTCPay understands: ${parsed.reason}`,
      'Write permissions as policy or policy:storeId, for example ' +
        'btcpay.store.canviewinvoices:STOREID.',
    );
  }
  return parsed.permission;
}

function isUnscopedStorePermission(permission: Permission): boolean {
  return policyKind(permission.policy) === 'store' && permission.scope === null;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
