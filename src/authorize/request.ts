import { parsePermission } from '../permissions';
import { authorizeWarnings, listOf, type AuthorizeWarning } from './warnings';

export { authorizeWarnings, type AuthorizeWarning };

/**
 * BTCPay's interactive key request, `GET /api-keys/authorize`: building the
 * URL the browser opens, and reading one an integrator wrote back into the
 * same meaning, the way BTCPay's own model binding reads it.
 */

/** What an authorize URL asks BTCPay for. */
export interface AuthorizeRequest {
  /** Shown on the consent page; pre-fills the key's label. */
  applicationName?: string;
  /** Lets BTCPay reuse an earlier key; only honoured with a redirect. */
  applicationIdentifier?: string;
  /** `policy` or `policy:scope`, policy names lower-case. */
  permissions: string[];
  /** True: only what was asked. False: the user may tick more. */
  strict: boolean;
  /** True: the user picks the one store the store permissions apply to. */
  selectiveStores: boolean;
  /** Absolute URL BTCPay posts the key to. */
  redirect?: string;
}

/** The result of {@link readAuthorizeUrl}. */
export type ReadAuthorizeUrl =
  | {
      ok: true;
      /** The BTCPay base URL, sub-path kept, ending in `/`. */
      server: string;
      request: AuthorizeRequest;
      /** What BTCPay will ignore, drop or widen, in plain words. */
      warnings: AuthorizeWarning[];
    }
  | { ok: false; reason: string };

const AUTHORIZE_PATH = 'api-keys/authorize';

// The six parameters BTCPay's authorize action binds, by lower-case name.
const PARAMETERS = {
  applicationname: 'applicationName',
  applicationidentifier: 'applicationIdentifier',
  permissions: 'permissions',
  strict: 'strict',
  selectivestores: 'selectiveStores',
  redirect: 'redirect',
} as const;
type ParameterName = (typeof PARAMETERS)[keyof typeof PARAMETERS];

/**
 * The authorize URL for a request: the base's sub-path is kept (BTCPay may
 * run under a root path), every permission is its own `permissions=`, and
 * `strict` and `selectiveStores` are always explicit.
 */
export function buildAuthorizeUrl(
  serverBase: string,
  request: AuthorizeRequest,
): string {
  const base = new URL(serverBase);
  base.search = '';
  base.hash = '';
  base.pathname = `${base.pathname.replace(/\/+$/, '')}/${AUTHORIZE_PATH}`;

  const parts: string[] = [];
  const add = (name: ParameterName, value: string): void => {
    parts.push(`${name}=${encodeURIComponent(value)}`);
  };
  if (request.applicationName) add('applicationName', request.applicationName);
  if (request.applicationIdentifier) {
    add('applicationIdentifier', request.applicationIdentifier);
  }
  for (const permission of request.permissions) add('permissions', permission);
  add('strict', String(request.strict));
  add('selectiveStores', String(request.selectiveStores));
  if (request.redirect) add('redirect', request.redirect);

  return `${base.toString()}?${parts.join('&')}`;
}

/**
 * Reads a BTCPay authorize URL into a request, with the meaning BTCPay gives
 * it: parameter names in any case, missing booleans at their defaults, empty
 * values as absent, a relative redirect as no redirect, policy names
 * lower-cased and scopes kept as written.
 */
export function readAuthorizeUrl(url: string): ReadAuthorizeUrl {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return refuse('This is not a web address.');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    return refuse(
      'A BTCPay authorize address starts with https:// or http://.',
    );
  }
  if (parsed.username !== '' || parsed.password !== '') {
    return refuse('The address carries a user name or password; remove it.');
  }
  const server = serverOf(parsed);
  if (server === undefined) {
    return refuse(
      'This is not a BTCPay authorize address: its path does not end in ' +
        '/api-keys/authorize.',
    );
  }

  const values = collectParameters(parsed.searchParams);
  const read = requestFrom(values.known);
  if (!read.ok) return read;

  const warnings = [...read.warnings, ...authorizeWarnings(read.request)];
  if (values.ignored.length > 0) {
    warnings.push({
      code: 'ignored-parameters',
      message:
        `BTCPay ignores ${listOf(values.ignored)}: only applicationName, ` +
        'applicationIdentifier, permissions, strict, selectiveStores and ' +
        'redirect mean anything on the authorize page.',
      subjects: values.ignored,
    });
  }
  return { ok: true, server, request: read.request, warnings };
}

/** The base URL in front of `/api-keys/authorize`, or undefined. */
function serverOf(parsed: URL): string | undefined {
  // ASP.NET routes match the path in any case, with or without a final `/`.
  const match = /^(.*\/)api-keys\/authorize\/?$/i.exec(parsed.pathname);
  if (!match) return undefined;
  return `${parsed.origin}${match[1]}`;
}

type CollectedParameters = {
  known: Map<ParameterName, string[]>;
  ignored: string[];
};

function collectParameters(search: URLSearchParams): CollectedParameters {
  const known = new Map<ParameterName, string[]>();
  const ignored: string[] = [];
  for (const [name, value] of search) {
    const parameter = PARAMETERS[name.toLowerCase() as keyof typeof PARAMETERS];
    if (parameter === undefined) {
      if (!ignored.includes(name)) ignored.push(name);
      continue;
    }
    known.set(parameter, [...(known.get(parameter) ?? []), value]);
  }
  return { known, ignored };
}

type RequestRead =
  | { ok: true; request: AuthorizeRequest; warnings: AuthorizeWarning[] }
  | { ok: false; reason: string };

function requestFrom(known: Map<ParameterName, string[]>): RequestRead {
  // Like ASP.NET, a single-valued parameter takes its first value, and an
  // empty value counts as not given.
  const first = (name: ParameterName): string | undefined =>
    known.get(name)?.[0]?.trim() || undefined;

  const strict = readBoolean(first('strict'), true);
  const selectiveStores = readBoolean(first('selectiveStores'), false);
  if (strict === undefined || selectiveStores === undefined) {
    return refuse('strict and selectiveStores must be true or false.');
  }

  const permissions: string[] = [];
  for (const text of known.get('permissions') ?? []) {
    if (text.trim() === '') continue;
    const permission = parsePermission(text);
    if (!permission.ok) {
      return refuse(`"${text}" is not a permission: ${permission.reason}`);
    }
    const canonical = permission.permission.text;
    if (!permissions.includes(canonical)) permissions.push(canonical);
  }

  const warnings: AuthorizeWarning[] = [];
  const redirect = readRedirect(first('redirect'), warnings);
  const request: AuthorizeRequest = { permissions, strict, selectiveStores };
  const applicationName = first('applicationName');
  const applicationIdentifier = first('applicationIdentifier');
  if (applicationName !== undefined) request.applicationName = applicationName;
  if (applicationIdentifier !== undefined) {
    request.applicationIdentifier = applicationIdentifier;
  }
  if (redirect !== undefined) request.redirect = redirect;
  return { ok: true, request, warnings };
}

function readBoolean(
  value: string | undefined,
  fallback: boolean,
): boolean | undefined {
  if (value === undefined) return fallback;
  const lower = value.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  return undefined;
}

/** BTCPay only posts to an absolute URL; a relative one counts as none. */
function readRedirect(
  value: string | undefined,
  warnings: AuthorizeWarning[],
): string | undefined {
  if (value === undefined) return undefined;
  if (!/^[a-z][a-z0-9+.-]*:/i.test(value) || !URL.canParse(value)) {
    warnings.push({
      code: 'relative-redirect',
      message:
        `BTCPay ignores the redirect "${value}" because it is not an ` +
        'absolute address: the key will not be sent anywhere.',
      subjects: [value],
    });
    return undefined;
  }
  return value;
}

function refuse(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}
