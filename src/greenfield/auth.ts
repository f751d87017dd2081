import { AUTHORIZE_IN_BROWSER, GreenfieldError } from './errors';

/** How a request signs in: an API key, or the account's email and password. */
export type GreenfieldAuth =
  | { kind: 'token'; apiKey: string }
  | { kind: 'basic'; email: string; password: string };

// Printable ASCII without spaces: anything else cannot be a BTCPay key and
// could not travel in a header anyway.
const API_KEY_SHAPE = /^[\x21-\x7e]+$/;

/**
 * The Authorization header for `auth`, checked before anything is sent: an
 * empty credential, a malformed key, or a password BTCPay would cut short.
 */
export function authorizationHeader(auth: GreenfieldAuth): string {
  if (auth.kind === 'token') {
    if (auth.apiKey.trim() === '') throw missingCredentials('API key');
    if (!API_KEY_SHAPE.test(auth.apiKey)) {
      throw new GreenfieldError('key-unknown', {
        message:
          'This is not an API key: it contains spaces or characters a BTCPay ' +
          'key never has.',
        nextStep:
          'Copy the key again from BTCPay (Account → API Keys), without ' +
          'spaces or line breaks.',
      });
    }
    return `token ${auth.apiKey}`;
  }

  if (auth.email.trim() === '') throw missingCredentials('email');
  if (auth.password === '') throw missingCredentials('password');
  if (auth.password.includes(':')) {
    throw new GreenfieldError('password-has-colon', {
      message:
        'This password contains a colon (:). BTCPay Server cuts passwords ' +
        'at the first colon when signing in this way, so it would be ' +
        'refused, and each refusal counts toward locking the account.',
      nextStep:
        'Change the password to one without a colon, or ' +
        `${AUTHORIZE_IN_BROWSER} instead.`,
    });
  }
  const credentials = Buffer.from(`${auth.email}:${auth.password}`, 'utf8');
  return `Basic ${credentials.toString('base64')}`;
}

function missingCredentials(what: string): GreenfieldError {
  return new GreenfieldError('unauthenticated', {
    message: `No ${what} was given, so BTCPay Server cannot tell who you are.`,
    nextStep: `Enter the ${what} and try again.`,
  });
}
