import { MAX_REDIRECT_LENGTH, type RedirectRule } from './redirect';

/**
 * The rules a deep link can break, each with what the app that built the
 * link should change. The refusal message says which rule was broken; the
 * next step here says how to write the link so it passes, so an integrator
 * running `btcpay-keys link inspect` knows what to fix without guessing.
 */

/** A rule a link broke; stable, so integrators can match on it. */
export type LinkRule =
  | RedirectRule
  | 'link-empty'
  | 'link-too-long'
  | 'link-form'
  | 'link-action'
  | 'repeated-parameter'
  | 'state-too-long'
  | 'missing-url'
  | 'url-invalid'
  | 'url-not-authorize'
  | 'missing-server'
  | 'server-invalid'
  | 'applicationname-invalid'
  | 'applicationidentifier-invalid'
  | 'strict-invalid'
  | 'selectivestores-invalid'
  | 'too-many-permissions'
  | 'permission-invalid'
  | 'permission-unknown';

/** The size limits a link must keep; the protocol document lists them. */
export const LINK_LIMITS = {
  linkLength: 16_384,
  stateLength: 512,
  nameLength: 200,
  identifierLength: 200,
  permissionCount: 64,
  permissionLength: 200,
} as const;

const CALLBACK = 'http://127.0.0.1:PORT/callback';

const visibleText = (max: number): string =>
  `at most ${max} characters of visible text (no control, direction or ` +
  'zero-width characters)';

/** What the requesting app should change, one step per rule. */
export const LINK_RULE_NEXT_STEPS: Readonly<Record<LinkRule, string>> = {
  'link-empty':
    'Open a link of the form btcpay-keys://authorize?server=<BTCPay base URL>&… (docs/deep-links.md).',
  'link-too-long': `Keep the whole link to at most ${LINK_LIMITS.linkLength} characters: ask for fewer permissions or send a shorter state.`,
  'link-form':
    'Start the link with btcpay-keys://authorize? and its parameters, or btcpay-keys://open?url= and a percent-encoded BTCPay authorize URL.',
  'link-action':
    'Use btcpay-keys://authorize?… or btcpay-keys://open?url=…; there is no other action.',
  'repeated-parameter':
    'Give each parameter once (state either next to url or inside it, not both); only permissions may repeat.',
  'state-too-long': `Send a state of at most ${LINK_LIMITS.stateLength} characters: a random token is enough to match the answer to the request.`,
  'missing-url':
    'Add url=<the percent-encoded https://server/api-keys/authorize?… URL> to the open link.',
  'url-invalid':
    'Percent-encode the whole BTCPay authorize URL (encodeURIComponent) into the url parameter.',
  'url-not-authorize':
    'Point url at the server’s authorize page, https://server/api-keys/authorize?…, or use btcpay-keys://authorize?server=… instead.',
  'missing-server':
    'Add server=<the BTCPay base URL>, sub-path included, such as https://shop.example/btcpay/.',
  'server-invalid':
    'Send the BTCPay base URL as http(s)://host[:port]/[sub-path/]: the address of its login page without "/login".',
  'applicationname-invalid': `Send an applicationName of ${visibleText(LINK_LIMITS.nameLength)}.`,
  'applicationidentifier-invalid': `Send an applicationIdentifier of ${visibleText(LINK_LIMITS.identifierLength)}.`,
  'strict-invalid': 'Send strict=true or strict=false, or leave it out (true).',
  'selectivestores-invalid':
    'Send selectiveStores=true or selectiveStores=false, or leave it out (false).',
  'too-many-permissions': `Ask for at most ${LINK_LIMITS.permissionCount} permissions: a broader policy includes the narrower ones it implies.`,
  'permission-invalid': `Write each permission as policy or policy:storeId, at most ${LINK_LIMITS.permissionLength} characters, such as btcpay.store.canviewinvoices:STOREID.`,
  'permission-unknown':
    'Ask only for policies BTCPay defines: check the spelling against the permissions of BTCPay’s Greenfield API documentation.',
  'redirect-not-absolute': `Send the redirect as a full address, such as ${CALLBACK}.`,
  'redirect-scheme': `Listen with plain http on 127.0.0.1 and send redirect=${CALLBACK}.`,
  'redirect-userinfo': `Leave out the user name and password: redirect=${CALLBACK}.`,
  'redirect-localhost':
    'Write 127.0.0.1 (or [::1]) instead of localhost, and listen on that address.',
  'redirect-host': `Listen on this computer and write its address exactly as 127.0.0.1 or [::1]: ${CALLBACK}.`,
  'redirect-port': `Write the port your callback listens on (listen on port 0 and send the port you got): ${CALLBACK}.`,
  'redirect-fragment':
    'Leave out the #fragment: put what you need in the path, the query or state.',
  'redirect-too-long': `Keep the redirect to at most ${MAX_REDIRECT_LENGTH} characters: match the answer with state rather than a long query.`,
};
