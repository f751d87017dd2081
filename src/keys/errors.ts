/**
 * Expected failures of key operations that happen on this machine (no such
 * key, no manager key), as opposed to what the server or the keychain says.
 */

/** What went wrong locally, so callers can choose an exit code or a screen. */
export type KeyOperationFailure =
  | 'server-not-found'
  | 'key-not-found'
  | 'key-already-stored'
  | 'key-revoked'
  | 'no-manager-key'
  | 'invalid-request'
  /** The server knows the key but refused to delete it; it is kept here. */
  | 'not-revoked';

/** A merchant-readable local failure with the next step to take. */
export class KeyOperationError extends Error {
  override readonly name = 'KeyOperationError';

  constructor(
    readonly kind: KeyOperationFailure,
    message: string,
    readonly nextStep: string,
  ) {
    super(message);
  }
}
