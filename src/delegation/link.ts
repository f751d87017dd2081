import { z } from 'zod';
import { HIDDEN_CHARACTERS } from '../display/printable';
import { normalizeBaseUrl } from '../greenfield/base-url';
import { parsePermission, unknownPolicies } from '../permissions';
import { LINK_LIMITS, LINK_RULE_NEXT_STEPS, type LinkRule } from './link-rules';
import { linkWarnings, type LinkWarning } from './link-warnings';
import { checkLoopbackRedirect, type LoopbackRedirect } from './redirect';

export type { LinkRule, LinkWarning };
export { LINK_LIMITS };

/**
 * Reads `btcpay-keys://` deep links: another desktop app asking for a key.
 *
 * `btcpay-keys://authorize?server=<base>&...` carries BTCPay's own authorize
 * parameters plus `server` and `state`, so an app that already builds BTCPay
 * authorize URLs only changes the base. `btcpay-keys://open?url=<BTCPay
 * authorize URL>` wraps a complete BTCPay URL instead. Everything in a link is
 * untrusted: it is checked here, with size limits, before anyone sees it.
 */

/** A request from another app, checked and ready to show to the user. */
export interface DelegationRequest {
  /** Normalised BTCPay base URL, ending in `/`. */
  server: string;
  applicationName: string | null;
  applicationIdentifier: string | null;
  permissions: string[];
  strict: boolean;
  selectiveStores: boolean;
  /** Where the result goes; null means the key stays here for the user to copy. */
  redirect: LoopbackRedirect | null;
  /** Opaque value echoed back to the requester. */
  state: string | null;
  /** Things the user should know that do not make the link invalid. */
  warnings: LinkWarning[];
}

/**
 * Why a link was refused: `rule` is stable, `message` says what is wrong,
 * `nextStep` what the requesting app should change.
 */
export interface LinkRefusal {
  rule: LinkRule;
  message: string;
  nextStep: string;
  /** The requester's state and redirect when they could be read, for an error reply. */
  state: string | null;
  redirect: LoopbackRedirect | null;
}

export type LinkParseResult =
  | { ok: true; request: DelegationRequest }
  | { ok: false; refusal: LinkRefusal };

const SINGULAR = [
  'server',
  'applicationname',
  'applicationidentifier',
  'strict',
  'selectivestores',
  'redirect',
  'state',
  'url',
] as const;
type Singular = (typeof SINGULAR)[number];

const BooleanParam = z.enum([
  'true',
  'false',
  'True',
  'False',
  'TRUE',
  'FALSE',
]);

class Refused extends Error {
  constructor(
    readonly rule: LinkRule,
    message: string,
  ) {
    super(message);
  }
}

/** Parses and checks a deep link; never throws on any input. */
export function parseDeepLink(link: string): LinkParseResult {
  const partial = {
    state: null as string | null,
    redirect: null as LoopbackRedirect | null,
  };
  try {
    return { ok: true, request: readLink(link, partial) };
  } catch (error) {
    if (!(error instanceof Refused)) throw error;
    return {
      ok: false,
      refusal: {
        rule: error.rule,
        message: error.message,
        nextStep: LINK_RULE_NEXT_STEPS[error.rule],
        ...partial,
      },
    };
  }
}

type Partial = { state: string | null; redirect: LoopbackRedirect | null };

function readLink(link: string, partial: Partial): DelegationRequest {
  if (typeof link !== 'string' || link.length === 0) {
    throw new Refused('link-empty', 'The link is empty.');
  }
  if (link.length > LINK_LIMITS.linkLength) {
    throw new Refused(
      'link-too-long',
      `The link is longer than ${LINK_LIMITS.linkLength} characters.`,
    );
  }
  const match = /^btcpay-keys:\/\/([a-z]+)\/?\?(.*)$/is.exec(link);
  if (!match) {
    throw new Refused(
      'link-form',
      'The link must look like btcpay-keys://authorize?server=... or btcpay-keys://open?url=...',
    );
  }
  const action = (match[1] ?? '').toLowerCase();
  const params = readParams(match[2] ?? '');
  partial.state = readState(params);

  if (action === 'authorize') return readAuthorize(params, partial);
  if (action === 'open') return readOpen(params, partial);
  throw new Refused(
    'link-action',
    `Unknown action "${action.slice(0, 40)}": use authorize or open.`,
  );
}

/** Query parameters with case-insensitive names, as BTCPay reads them. */
type Params = Map<string, string[]>;

function readParams(query: string): Params {
  const params: Params = new Map();
  for (const [name, value] of new URLSearchParams(query)) {
    const key = name.toLowerCase();
    params.set(key, [...(params.get(key) ?? []), value]);
  }
  for (const name of SINGULAR) {
    if ((params.get(name)?.length ?? 0) > 1) {
      throw new Refused(
        'repeated-parameter',
        `The parameter "${name}" appears more than once; it must appear at most once.`,
      );
    }
  }
  return params;
}

function single(params: Params, name: Singular): string | null {
  return params.get(name)?.[0] ?? null;
}

function readState(params: Params): string | null {
  const state = single(params, 'state');
  if (state !== null && state.length > LINK_LIMITS.stateLength) {
    throw new Refused(
      'state-too-long',
      `The state is longer than ${LINK_LIMITS.stateLength} characters.`,
    );
  }
  return state;
}

function readOpen(params: Params, partial: Partial): DelegationRequest {
  const inner = single(params, 'url');
  if (!inner) {
    throw new Refused('missing-url', 'The open link has no url parameter.');
  }
  let url: URL;
  try {
    url = new URL(inner);
  } catch {
    throw new Refused('url-invalid', 'The url parameter is not a valid URL.');
  }
  const suffix = /api-keys\/authorize\/?$/i;
  if (!/^https?:$/.test(url.protocol) || !suffix.test(url.pathname)) {
    throw new Refused(
      'url-not-authorize',
      'The url parameter must be a BTCPay authorize URL (http(s)://.../api-keys/authorize?...).',
    );
  }
  const base = new URL(url.href);
  base.pathname = url.pathname.replace(suffix, '');
  base.search = '';
  const merged = readParams(url.search.slice(1));
  merged.set('server', [base.href]);
  // BTCPay has no state parameter; an integrator may still put it in the
  // wrapped URL. It is echoed like an outer one, and giving both is refused.
  const innerState = single(merged, 'state');
  if (innerState !== null) {
    if (partial.state !== null) {
      throw new Refused(
        'repeated-parameter',
        'The parameter "state" appears both in the link and in its url; give it once.',
      );
    }
    partial.state = readState(merged);
  }
  return readAuthorize(merged, partial);
}

function readAuthorize(params: Params, partial: Partial): DelegationRequest {
  const redirect = readRedirect(params);
  partial.redirect = redirect;

  const serverText = single(params, 'server');
  if (!serverText) {
    throw new Refused(
      'missing-server',
      'The link does not say which BTCPay server (server=...).',
    );
  }
  const server = normalizeBaseUrl(serverText);
  if (!server.ok)
    throw new Refused(
      'server-invalid',
      `The server URL is not usable: ${server.reason}`,
    );

  const applicationName = limited(
    params,
    'applicationname',
    LINK_LIMITS.nameLength,
  );
  const applicationIdentifier = limited(
    params,
    'applicationidentifier',
    LINK_LIMITS.identifierLength,
  );
  const request = {
    server: server.url,
    applicationName,
    applicationIdentifier,
    permissions: readPermissions(params),
    strict: readBoolean(params, 'strict', true),
    selectiveStores: readBoolean(params, 'selectivestores', false),
    redirect,
    state: partial.state,
  };
  return { ...request, warnings: linkWarnings(request) };
}

function readRedirect(params: Params): LoopbackRedirect | null {
  const raw = single(params, 'redirect');
  if (raw === null || raw === '') return null;
  const check = checkLoopbackRedirect(raw);
  if (!check.ok) throw new Refused(check.rule, check.message);
  return check.redirect;
}

function limited(
  params: Params,
  name: 'applicationname' | 'applicationidentifier',
  max: number,
): string | null {
  const value = single(params, name);
  if (value === null || value.trim() === '') return null;
  if (value.length > max) {
    throw new Refused(
      `${name}-invalid`,
      `The ${name} must be at most ${max} characters of visible text.`,
    );
  }
  const hidden = HIDDEN_CHARACTERS.exec(value)?.[0];
  if (hidden !== undefined) {
    const code = hidden.codePointAt(0) ?? 0;
    throw new Refused(
      `${name}-invalid`,
      `The ${name} contains the invisible character U+${code.toString(16).toUpperCase().padStart(4, '0')} ` +
        '(a control, direction or formatting character), which can make ' +
        'it read as a different name; only visible text is accepted.',
    );
  }
  return value.trim();
}

function readBoolean(
  params: Params,
  name: 'strict' | 'selectivestores',
  fallback: boolean,
): boolean {
  const value = single(params, name);
  if (value === null) return fallback;
  const parsed = BooleanParam.safeParse(value);
  if (!parsed.success) {
    throw new Refused(
      `${name}-invalid`,
      `The ${name} parameter must be true or false.`,
    );
  }
  return parsed.data.toLowerCase() === 'true';
}

function readPermissions(params: Params): string[] {
  const values = params.get('permissions') ?? [];
  if (values.length > LINK_LIMITS.permissionCount) {
    throw new Refused(
      'too-many-permissions',
      `The link asks for more than ${LINK_LIMITS.permissionCount} permissions.`,
    );
  }
  const permissions: string[] = [];
  for (const value of values) {
    if (value.length > LINK_LIMITS.permissionLength) {
      throw new Refused(
        'permission-invalid',
        `A permission is longer than ${LINK_LIMITS.permissionLength} characters.`,
      );
    }
    const parsed = parsePermission(value);
    if (!parsed.ok) throw new Refused('permission-invalid', parsed.reason);
    if (!permissions.includes(parsed.permission.text)) {
      permissions.push(parsed.permission.text);
    }
  }
  const unknown = unknownPolicies(permissions);
  if (unknown.length > 0) {
    throw new Refused(
      'permission-unknown',
      `BTCPay does not define ${unknown.map((p) => `"${p}"`).join(', ')}; it would drop ${unknown.length > 1 ? 'them' : 'it'} silently, so the request is refused.`,
    );
  }
  return permissions;
}
