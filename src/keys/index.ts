/**
 * The key operations shared by the command line and the desktop app: add a
 * server, create, import, verify, revoke and delete keys. Nothing here writes
 * to a console; results and typed errors carry what a caller shows.
 */
export { addServer, removeServer, type AddServerResult } from './servers';
export {
  createKeyOverRest,
  type CreateKeyOptions,
  type CreateKeyRequest,
  type CreateKeyResult,
  type RestMintAuth,
} from './create';
export {
  BECAME_MANAGER,
  importKey,
  importNotices,
  type ImportKeyRequest,
  type ImportKeyResult,
} from './import';
export {
  keychainHolding,
  restoreKeySecret,
  type KeychainHolding,
  type RestoredKeySecret,
} from './restore';
export {
  verifyKeys,
  type KeychainProblem,
  type KeyVerification,
  type VerifyOptions,
  type VerifyProgress,
} from './verify';
export {
  revokeKey,
  deleteKeyLocally,
  type RevokeKeyResult,
  type ServerRevocation,
} from './revoke';
export {
  adoptOrphanedKeys,
  type AdoptRequest,
  type AdoptResult,
  type LeftOrphan,
} from './adopt';
export { describeKey, type KeyDetail } from './describe';
export { comparePermissionSets, type PermissionDrift } from './drift';
export { scopePermissionsToStores } from './scope';
export { requireKey, requireServer } from './lookup';
export { managerAccount } from './manager';
export { sameAccount, type KnownAccount } from './server-facts';
export { KeyOperationError, type KeyOperationFailure } from './errors';
export type { ClientFactory, ServerCallOptions, ServerClient } from './clients';
