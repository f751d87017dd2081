// Where BTCPay Server's real behaviour and its own OpenAPI text disagree for
// the endpoints this project uses. The server wins: the contract checks what
// BTCPay really sends (as the sandbox emulates it) in place of the spec text.
// Every reason restates ../shared/greenfield/btcpay-behaviour.md.
import {
  authorizeConsentErrors,
  authorizePageErrors,
  type AnswerFacts,
} from './authorize-answers';

/** One known disagreement between BTCPay's swagger and its code. */
export interface Disagreement {
  id: string;
  method: string;
  /** The spec's path template; '*' for every operation. */
  path: string;
  /** Response statuses it concerns; absent: the request side or the whole operation. */
  statuses?: number[];
  reason: string;
  /** What BTCPay really sends, checked instead of the spec's schema. */
  checkBody?: (body: unknown, facts: AnswerFacts) => string[];
  /** How a request must authenticate, when it differs from the spec's security. */
  requestAuth?: 'apikey' | 'any';
}

const isEmpty = (body: unknown): string[] =>
  body === undefined || body === '' ? [] : ['expected an empty body'];

const problem =
  (code: string) =>
  (body: unknown): string[] => {
    const ok =
      body !== null &&
      typeof body === 'object' &&
      (body as { code?: unknown }).code === code &&
      typeof (body as { message?: unknown }).message === 'string';
    return ok ? [] : [`expected {code:"${code}", message}`];
  };

/** The known disagreements, each with the reason from the behaviour notes. */
export const DISAGREEMENTS: readonly Disagreement[] = [
  {
    id: 'delete-current-key-empty-body',
    method: 'DELETE',
    path: '/api/v1/api-keys/current',
    statuses: [200],
    reason:
      'Swagger documents an ApiKeyData body; BTCPay answers 200 with an empty body.',
    checkBody: isEmpty,
  },
  {
    id: 'delete-key-400-not-404',
    method: 'DELETE',
    path: '/api/v1/api-keys/{apikey}',
    statuses: [400],
    reason:
      'Swagger documents 404 for a key that is not found; BTCPay answers 400 {code:"apikey-not-found"} (test CanCreateAndDeleteAPIKeyViaAPI).',
    checkBody: problem('apikey-not-found'),
  },
  {
    id: 'delete-user-key-400-not-404',
    method: 'DELETE',
    path: '/api/v1/users/{idOrEmail}/api-keys/{apikey}',
    statuses: [400],
    reason:
      'Swagger documents 404 for an unknown key; BTCPay answers 400 apikey-not-found (404 user-not-found is only for an unknown user).',
    checkBody: problem('apikey-not-found'),
  },
  {
    id: 'delete-user-key-security',
    method: 'DELETE',
    path: '/api/v1/users/{idOrEmail}/api-keys/{apikey}',
    reason:
      'Swagger lists the unrestricted permission; BTCPay requires btcpay.server.canmanageusers (an admin), via Basic or an API key.',
    requestAuth: 'any',
  },
  {
    id: 'current-key-security',
    method: 'GET',
    path: '/api/v1/api-keys/current',
    statuses: [401],
    reason:
      'Swagger lists btcpay.server.canmanageusers plus Basic; BTCPay accepts any API key (even one with no permissions) and answers Basic auth with 401.',
    checkBody: problem('unauthenticated'),
    requestAuth: 'apikey',
  },
  {
    id: 'misc-permissions-security',
    method: 'GET',
    path: '/misc/permissions',
    statuses: [401, 302],
    reason:
      'Swagger documents security: []; BTCPay requires the cookie or any Greenfield credential: 401 unauthenticated as JSON, or a login redirect for Accept: text/html.',
    checkBody: (body) =>
      body === undefined || body === '' ? [] : problem('unauthenticated')(body),
    requestAuth: 'any',
  },
  {
    id: 'authorize-page',
    method: 'GET',
    path: '/api-keys/authorize',
    statuses: [200, 302, 307, 401],
    reason:
      'Swagger describes a 307 with a JSON body and a 401 page; BTCPay redirects anonymous browsers to /login and answers every step with a 200 HTML form, never JSON.',
    checkBody: authorizePageErrors,
  },
  {
    id: 'authorize-consent-post',
    method: 'POST',
    path: '/api-keys/authorize',
    statuses: [200, 302, 307, 401],
    reason:
      'Swagger has no POST here; BTCPay takes the consent as a form POST to the page and delivers the key as a 200 HTML page whose script auto-submits a urlencoded form (apiKey, userId, permissions[], anti-forgery token) to the redirect, never JSON or query parameters.',
    checkBody: authorizeConsentErrors,
  },
  {
    id: 'undocumented-error-statuses',
    method: '*',
    path: '*',
    statuses: [400, 401, 403, 404, 422],
    reason:
      "Greenfield's error answers (401 unauthenticated, 403 missing-permission, 422 validation array, 404 user-not-found) are global and missing from many operations, and an operation's 'default' ProblemDetails cannot describe the 422 array; they are checked against the spec's ProblemDetails / ValidationProblemDetails.",
  },
];

/** The disagreement covering this response, if any (specific before generic). */
export function disagreementFor(
  method: string,
  path: string,
  status?: number,
): Disagreement | undefined {
  const upper = method.toUpperCase();
  return DISAGREEMENTS.find(
    (d) =>
      d.method === upper &&
      d.path === path &&
      (status === undefined ? !d.statuses : d.statuses?.includes(status)),
  );
}
