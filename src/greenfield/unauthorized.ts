import {
  AUTHORIZE_IN_BROWSER,
  GreenfieldError,
  type OwnerBlockedReason,
} from './errors';
import type { Exchange } from './exchange';
import { rateLimitedError } from './refusals';
import type { GreenfieldErrorBody } from './schemas';
import { classifyUnauthorized } from './server-messages';
import type { RawResponse } from './transport';

/**
 * 401 answers. BTCPay uses one code for all of them, so the merchant's next
 * step depends on which of its messages came back: a key that is gone, an
 * owner whose account is blocked (the key itself is fine), or one of the many
 * ways Basic auth is refused.
 */

const AUTHORIZE_STEP =
  `${AUTHORIZE_IN_BROWSER} instead: BTCPay shows its own login and asks ` +
  'you to approve a key for this app';

const LOCKOUT_WARNING =
  'After 5 wrong passwords BTCPay locks the account for 5 minutes, and ' +
  'while locked its API keys stop working too.';

/** Explains a 401 `unauthenticated` answer for the way the request signed in. */
export function unauthorizedError(
  error: GreenfieldErrorBody,
  exchange: Exchange,
  raw: RawResponse,
): GreenfieldError {
  const heard = classifyUnauthorized(error.message);
  const common = {
    status: 401,
    code: error.code,
    serverMessage: error.message,
  };

  switch (heard.reason) {
    case 'unknown-key':
      return new GreenfieldError('key-unknown', {
        ...common,
        message:
          'BTCPay Server does not know this API key: it was revoked, or it ' +
          'never existed on this server.',
        nextStep:
          'Check that the key belongs to this server, or create a new key.',
      });
    case 'account-refused':
      return ownerBlockedError(heard.refusal, exchange, common);
    case 'basic-rate-limited':
      return rateLimitedError(raw, { auth: 'basic' }, error.message);
    case 'basic-disabled':
      return new GreenfieldError('basic-auth-disabled', {
        ...common,
        message:
          'BTCPay Server does not accept this account’s password for API ' +
          'access. Since version 2.4.2 this is off for every account older ' +
          'than 5 minutes.',
        nextStep:
          'Either turn on Greenfield API Basic authentication in your BTCPay ' +
          `account settings and try once more, or ${AUTHORIZE_STEP}.`,
      });
    case 'basic-multi-factor':
      return new GreenfieldError('basic-auth-multi-factor', {
        ...common,
        message:
          'This account uses two-factor authentication, so BTCPay Server ' +
          'refuses sign-in with the password alone.',
        nextStep: `BTCPay asks for the second factor only in the browser, so ${AUTHORIZE_STEP}.`,
      });
    case 'basic-wrong-password':
    case 'basic-locked-out':
    case 'basic-not-allowed':
      return basicFailedError(heard.reason, common);
    case 'no-credentials':
      return unauthenticatedError(common);
    case 'unrecognised':
      return exchange.auth === 'basic'
        ? basicFailedError('basic-not-allowed', common)
        : unauthenticatedError(common);
  }
}

interface Common {
  status: number;
  code: string;
  serverMessage: string;
}

const OWNER_PROBLEMS: Record<OwnerBlockedReason, string> = {
  'disabled-or-locked':
    'is disabled, or locked for a few minutes after too many wrong passwords',
  'unconfirmed-email': 'has not confirmed its email address',
  unapproved: 'is waiting for an admin’s approval',
  'no-password': 'has no password set yet (an invitation not yet accepted)',
  other: 'is not allowed to sign in right now',
};

const OWNER_STEPS: Record<OwnerBlockedReason, string> = {
  'disabled-or-locked':
    'If someone just typed wrong passwords, wait 5 minutes and try again; ' +
    'otherwise ask the server admin to re-enable the account.',
  'unconfirmed-email':
    'Confirm the email address (look for BTCPay’s email), then try again.',
  unapproved: 'Ask the server admin to approve the account.',
  'no-password': 'Accept the invitation and set a password first.',
  other: 'Log in to BTCPay in a browser to see why, or ask the server admin.',
};

function ownerBlockedError(
  refusal: OwnerBlockedReason,
  exchange: Exchange,
  common: Common,
): GreenfieldError {
  const subject =
    exchange.auth === 'token'
      ? 'The API key is valid, but the account that owns it'
      : 'The account';
  return new GreenfieldError('owner-blocked', {
    ...common,
    message: `${subject} ${OWNER_PROBLEMS[refusal]}.`,
    nextStep: OWNER_STEPS[refusal],
    ownerBlockedReason: refusal,
  });
}

function basicFailedError(
  reason: 'basic-wrong-password' | 'basic-locked-out' | 'basic-not-allowed',
  common: Common,
): GreenfieldError {
  const message =
    reason === 'basic-locked-out'
      ? 'BTCPay Server has locked this account after too many wrong ' +
        'passwords.'
      : reason === 'basic-wrong-password'
        ? 'BTCPay Server did not accept this email and password.'
        : 'BTCPay Server refused to sign in with this email and password.';
  return new GreenfieldError('basic-auth-failed', {
    ...common,
    message: `${message} ${LOCKOUT_WARNING}`,
    nextStep:
      reason === 'basic-locked-out'
        ? `Wait 5 minutes before trying again, or ${AUTHORIZE_STEP}.`
        : 'Check the email and password before trying again, or ' +
          `${AUTHORIZE_IN_BROWSER}.`,
  });
}

function unauthenticatedError(common: Common): GreenfieldError {
  return new GreenfieldError('unauthenticated', {
    ...common,
    message: 'BTCPay Server did not accept the sign-in for this request.',
    nextStep: 'Provide an API key for this server, or connect again.',
  });
}
