import { fail, type Failure, type FailureKind } from '../contract';
import {
  GreenfieldError,
  type GreenfieldErrorKind,
} from '../greenfield/errors';
import { KeyOperationError } from '../keys/errors';
import { KeychainError } from '../vault/keychain-error';
import { VaultBusyError } from '../vault/lock';
import { MetadataError } from '../vault/metadata-store';
import { VaultError, type VaultFailure } from '../vault/vault-error';

/**
 * Turns the core's expected errors into contract failures the UI can show
 * with their next step. Anything else is a bug and is rethrown.
 */

const GREENFIELD_KINDS: Record<GreenfieldErrorKind, FailureKind> = {
  'key-unknown': 'unknown-key',
  'owner-blocked': 'owner-blocked',
  unauthenticated: 'unknown-key',
  'missing-permission': 'missing-permission',
  validation: 'invalid-input',
  'not-found': 'not-found',
  'basic-auth-disabled': 'basic-auth-refused',
  'basic-auth-multi-factor': 'basic-auth-refused',
  'basic-auth-rate-limited': 'basic-auth-refused',
  'basic-auth-failed': 'basic-auth-refused',
  'password-has-colon': 'invalid-input',
  'not-btcpay': 'not-btcpay',
  tls: 'tls',
  timeout: 'timeout',
  network: 'network',
  'server-error': 'server-error',
  'invalid-response': 'server-error',
  aborted: 'cancelled',
};

const KEY_OPERATION_KINDS: Record<KeyOperationError['kind'], FailureKind> = {
  'server-not-found': 'not-found',
  'key-not-found': 'not-found',
  'key-already-stored': 'invalid-input',
  'key-revoked': 'refused',
  'no-manager-key': 'refused',
  'invalid-request': 'invalid-input',
  'not-revoked': 'refused',
};

const VAULT_KINDS: Record<VaultFailure, FailureKind> = {
  'server-not-found': 'not-found',
  'key-not-found': 'not-found',
  'server-has-keys': 'refused',
  'secret-missing': 'keychain',
  'secret-mismatch': 'keychain',
  'key-revoked': 'refused',
  'invalid-url': 'invalid-input',
};

/** The contract failure for an expected core error, or null for a bug. */
export function failureOf(error: unknown): Failure | null {
  if (error instanceof GreenfieldError) {
    return failure(GREENFIELD_KINDS[error.kind], error.message, error.nextStep);
  }
  if (error instanceof KeyOperationError) {
    return failure(
      KEY_OPERATION_KINDS[error.kind],
      error.message,
      error.nextStep,
    );
  }
  if (error instanceof KeychainError) {
    return failure('keychain', error.message, error.fix);
  }
  if (error instanceof VaultError) {
    return failure(VAULT_KINDS[error.code], error.message, error.nextStep);
  }
  if (error instanceof VaultBusyError) {
    return failure('refused', error.message, error.nextStep);
  }
  if (error instanceof MetadataError) {
    return failure('internal', error.message, error.nextStep);
  }
  if (error instanceof ExpectedFailure) return error.failure;
  return null;
}

function failure(
  kind: FailureKind,
  message: string,
  nextStep: string,
): Failure {
  return { kind, message, nextStep };
}

/** An expected failure raised by the service itself. */
export class ExpectedFailure extends Error {
  readonly failure: Failure;

  constructor(kind: FailureKind, message: string, nextStep: string) {
    super(message);
    this.failure = { kind, message, nextStep };
  }
}

/**
 * Runs one operation and answers `{ ok: true, value }`, or `{ ok: false }`
 * for an expected failure. Unexpected errors still throw.
 */
export async function answer<T>(
  work: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: Failure }> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    const expected = failureOf(error);
    if (!expected) throw error;
    return fail(expected.kind, expected.message, expected.nextStep);
  }
}
