/**
 * The only places where BTCPay's message text is read. BTCPay answers every
 * authentication failure with the same 401 `unauthenticated` code, so the
 * message is the only way to tell a revoked key from a locked-out owner, or a
 * wrong password from Basic auth being switched off. Everywhere else the
 * client goes by status and `code` only. The texts are BTCPay v2.4.1's
 * (`GreenfieldAuthenticationHandler`, `APIKeysAuthenticationHandler`,
 * `BasicAuthenticationHandler`, `UserService.CanLogin`) plus 2.4.2's new
 * Basic-auth answer.
 */

import type { OwnerBlockedReason } from './errors';

/** What a 401 message says happened. */
export type UnauthorizedReason =
  | { reason: 'no-credentials' }
  | { reason: 'unknown-key' }
  | { reason: 'account-refused'; refusal: OwnerBlockedReason }
  | { reason: 'basic-disabled' }
  | { reason: 'basic-multi-factor' }
  | { reason: 'basic-rate-limited' }
  | { reason: 'basic-wrong-password' }
  | { reason: 'basic-locked-out' }
  | { reason: 'basic-not-allowed' }
  | { reason: 'unrecognised' };

const FAILED_PREFIX = /^\s*(?:apikey|basic) authentication failed:\s*/i;

/** Reads the message of a 401 `unauthenticated` answer. */
export function classifyUnauthorized(message: string): UnauthorizedReason {
  if (/rate limited/i.test(message)) return { reason: 'basic-rate-limited' };
  if (/basic authentication .*not enabled/i.test(message)) {
    return { reason: 'basic-disabled' };
  }
  if (/multi-factor/i.test(message)) return { reason: 'basic-multi-factor' };
  if (/unknown api key/i.test(message)) return { reason: 'unknown-key' };
  if (/authentication is required/i.test(message)) {
    return { reason: 'no-credentials' };
  }
  if (/user not found or invalid password/i.test(message)) {
    return { reason: 'basic-wrong-password' };
  }
  // A wrong password is answered with Identity's sign-in result alone, a bare
  // word; a login refusal carries the reason CanLogin gave after the prefix.
  const prefixed = FAILED_PREFIX.test(message);
  const detail = message.replace(FAILED_PREFIX, '').trim();
  switch (detail.toLowerCase()) {
    case 'failed':
      return { reason: 'basic-wrong-password' };
    case 'lockedout':
      return { reason: 'basic-locked-out' };
    case 'notallowed':
      return { reason: 'basic-not-allowed' };
  }
  if (!prefixed) return { reason: 'unrecognised' };
  return { reason: 'account-refused', refusal: classifyAccountRefusal(detail) };
}

/** Reads one of `CanLogin`'s reasons. A temporary lockout reads "disabled". */
export function classifyAccountRefusal(reason: string): OwnerBlockedReason {
  if (/confirmed email/i.test(reason)) return 'unconfirmed-email';
  if (/requires approval/i.test(reason)) return 'unapproved';
  if (/no password/i.test(reason)) return 'no-password';
  if (/disabled|locked/i.test(reason)) return 'disabled-or-locked';
  return 'other';
}

/**
 * True for the 422 message older servers (2.3.5 and before) give for a
 * permission they do not know, which is the hint to name the version that
 * added it.
 */
export function isInvalidPermissionMessage(message: string): boolean {
  return /invalid 'permission' string/i.test(message);
}
