/** Expected vault failures a caller maps to a screen or an exit code. */
export type VaultFailure =
  | 'server-not-found'
  | 'key-not-found'
  | 'server-has-keys'
  | 'secret-missing'
  | 'secret-mismatch'
  | 'key-revoked'
  | 'invalid-url';

/** A merchant-readable vault failure with the next step to take. */
export class VaultError extends Error {
  override readonly name = 'VaultError';

  constructor(
    readonly code: VaultFailure,
    message: string,
    readonly nextStep: string,
  ) {
    super(message);
  }
}

/** No server with this id (or base URL) is stored. */
export function serverNotFound(idOrUrl: string): VaultError {
  return new VaultError(
    'server-not-found',
    `No server "${idOrUrl}" is stored here.`,
    'List the stored servers with `btcpay-keys server list`.',
  );
}

/** No key with this local id is stored. */
export function keyNotFound(keyId: string): VaultError {
  return new VaultError(
    'key-not-found',
    `No key with the id "${keyId}" is stored here.`,
    'List the stored keys and their ids with `btcpay-keys key list`.',
  );
}
