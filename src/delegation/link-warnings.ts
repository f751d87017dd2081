import { authorizeWarnings, type AuthorizeWarning } from '../authorize';
import { isInsecureServer } from '../greenfield';
import type { LoopbackRedirect } from './redirect';

/**
 * What the merchant and the integrator should know about a deep link that
 * does not make it invalid. The checks are the authorize module's own (what
 * BTCPay's page would ignore, widen or fail on); where this app handles a
 * case differently from BTCPay's page, the words say what happens here.
 */

/** A note about a link that is still accepted. */
export interface LinkWarning {
  code: AuthorizeWarning['code'] | 'insecure-server';
  message: string;
}

/** The parts of a request the warnings look at. */
export interface WarnedRequest {
  server: string;
  applicationIdentifier: string | null;
  permissions: string[];
  strict: boolean;
  selectiveStores: boolean;
  redirect: LoopbackRedirect | null;
}

// This app's browser flow always posts to its own one-time receiver, so
// BTCPay never looks for an earlier key and its non-strict reuse error page
// cannot happen; a loopback redirect always can receive a form.
const NOT_APPLICABLE = new Set<AuthorizeWarning['code']>([
  'strict-false-identifier-store',
  'redirect-cannot-receive',
  'relative-redirect',
]);

const DEEP_LINK_WORDS: Partial<Record<AuthorizeWarning['code'], string>> = {
  'identifier-without-redirect':
    'The app gave an identifier but no redirect: BTCPay ignores an ' +
    'identifier without a redirect. Here the key stays in BTCPay Key ' +
    'Manager and you copy it into the app yourself.',
  'scoped-without-selective-stores':
    'The app names a store in its permissions but does not set ' +
    'selectiveStores=true. BTCPay’s own page would widen such permissions ' +
    'to every store; BTCPay Key Manager keeps them to the store named.',
};

/** Every warning for a parsed link, in the order the checks run. */
export function linkWarnings(request: WarnedRequest): LinkWarning[] {
  const warnings: LinkWarning[] = [];
  if (isInsecureServer(request.server)) {
    warnings.push({
      code: 'insecure-server',
      message:
        `${request.server} is plain http on a public address: BTCPay ` +
        'refuses to create keys there on mainnet, and a key sent there ' +
        'travels unencrypted.',
    });
  }
  const checked = authorizeWarnings({
    permissions: request.permissions,
    strict: request.strict,
    selectiveStores: request.selectiveStores,
    ...(request.applicationIdentifier
      ? { applicationIdentifier: request.applicationIdentifier }
      : {}),
    ...(request.redirect ? { redirect: request.redirect.url } : {}),
  });
  for (const warning of checked) {
    if (NOT_APPLICABLE.has(warning.code)) continue;
    warnings.push({
      code: warning.code,
      message: DEEP_LINK_WORDS[warning.code] ?? warning.message,
    });
  }
  return warnings;
}
