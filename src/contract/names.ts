/**
 * The operation names and channel names, free of zod so the sandboxed preload
 * bundle stays tiny. `test/electron` checks this list against the operation
 * map.
 */

/** Every operation of the contract, in the order the preload exposes them. */
export const OPERATION_NAMES = [
  'listServers',
  'addServer',
  'updateServer',
  'removeServer',
  'connectManager',
  'listKeys',
  'getKey',
  'listStores',
  'permissionCatalogue',
  'describePermissions',
  'createKeyRest',
  'startAuthorize',
  'cancelAuthorize',
  'importKey',
  'verifyKeys',
  'revealKey',
  'copyKey',
  'revokeKey',
  'deleteKeyLocal',
  'runAudit',
  'exportAudit',
  'listEvents',
  'getSettings',
  'saveSettings',
  'pendingDeepLink',
  'answerDeepLink',
  'listDelegations',
  'revokeDelegation',
] as const;

/** The name of one operation of the contract. */
export type OperationName = (typeof OPERATION_NAMES)[number];

/** The IPC channel an operation travels on. */
export function channelOf(name: OperationName): string {
  return `btcpay-keys:${name}`;
}

/** The one channel main pushes events on (progress, deep links). */
export const EVENT_CHANNEL = 'btcpay-keys:event';
