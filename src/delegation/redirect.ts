/**
 * The rules a requesting app's `redirect` must follow before this app will
 * ever send a key to it: plain http to a loopback address with an explicit
 * port, spelled exactly `127.0.0.1` or `[::1]`.
 *
 * The raw text is checked before any URL parser sees it, because WHATWG URL
 * parsing rewrites `http://2130706433/` or `http://0x7f.1/` into
 * `127.0.0.1`, and a check on the parsed form would pass links whose text
 * says something else to the person reading them.
 */

/** Which redirect rule a link broke; each has its own message. */
export type RedirectRule =
  | 'redirect-not-absolute'
  | 'redirect-scheme'
  | 'redirect-userinfo'
  | 'redirect-localhost'
  | 'redirect-host'
  | 'redirect-port'
  | 'redirect-fragment'
  | 'redirect-too-long';

/** A redirect that passed every rule. */
export interface LoopbackRedirect {
  url: string;
  host: '127.0.0.1' | '[::1]';
  port: number;
}

export type RedirectCheck =
  | { ok: true; redirect: LoopbackRedirect }
  | { ok: false; rule: RedirectRule; message: string };

/** The longest redirect accepted, in characters. */
export const MAX_REDIRECT_LENGTH = 2048;

const RULE_MESSAGES: Record<RedirectRule, string> = {
  'redirect-not-absolute':
    'The redirect must be an absolute http:// URL on this computer.',
  'redirect-scheme':
    'The redirect must use plain http:// to a loopback address; other schemes (https, javascript, file, custom) cannot receive a key from this app.',
  'redirect-userinfo':
    'The redirect must not contain a user name or password (text before "@"): it hides where the key would really go.',
  'redirect-localhost':
    'The redirect must name 127.0.0.1 or [::1], not "localhost": "localhost" can resolve elsewhere.',
  'redirect-host':
    'The redirect must be on this computer, spelled exactly 127.0.0.1 or [::1]; other hosts and other spellings of loopback are refused.',
  'redirect-port':
    'The redirect must name an explicit port between 1 and 65535, the port the requesting app listens on.',
  'redirect-fragment':
    'The redirect must not contain a fragment ("#..."): browsers do not send it, and it can hide the real target.',
  'redirect-too-long': `The redirect is longer than ${MAX_REDIRECT_LENGTH} characters.`,
};

function refuse(rule: RedirectRule): RedirectCheck {
  return { ok: false, rule, message: RULE_MESSAGES[rule] };
}

// scheme://authority then the rest; the authority ends at the first / ? or #.
const ABSOLUTE = /^([a-zA-Z][a-zA-Z0-9+.-]*):(\/\/([^/?#]*))?(.*)$/s;
const LOOPBACK_AUTHORITY = /^(127\.0\.0\.1|\[::1\])(?::(\d{1,5}))?$/;
// A loopback host followed by a port part that is not a plain number.
const LOOPBACK_HOST = /^(127\.0\.0\.1|\[::1\])(:|$)/;

/** Checks a requester's redirect against the loopback rules. */
export function checkLoopbackRedirect(raw: string): RedirectCheck {
  if (raw.length > MAX_REDIRECT_LENGTH) return refuse('redirect-too-long');
  const match = ABSOLUTE.exec(raw);
  if (!match) return refuse('redirect-not-absolute');
  const [, scheme = '', slashes, authority = '', rest = ''] = match;

  if (scheme.toLowerCase() !== 'http') return refuse('redirect-scheme');
  if (slashes === undefined) return refuse('redirect-not-absolute');
  if (authority.includes('@')) return refuse('redirect-userinfo');
  if (raw.includes('#')) return refuse('redirect-fragment');
  if (/^localhost(:|$)/i.test(authority)) return refuse('redirect-localhost');

  const loopback = LOOPBACK_AUTHORITY.exec(authority);
  if (!loopback) {
    return LOOPBACK_HOST.test(authority)
      ? refuse('redirect-port')
      : refuse('redirect-host');
  }
  const port = Number(loopback[2] ?? '');
  if (!loopback[2] || !Number.isInteger(port) || port < 1 || port > 65535) {
    return refuse('redirect-port');
  }

  // The text passed; make sure a real URL parser agrees on host and port.
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    return refuse('redirect-not-absolute');
  }
  const host = loopback[1] as '127.0.0.1' | '[::1]';
  // The parser drops a port that is the scheme's default, so an explicit
  // :80 reads back as no port at all.
  const parsedPort = parsed.port === '' ? 80 : Number(parsed.port);
  if (parsed.hostname !== host || parsedPort !== port) {
    return refuse('redirect-host');
  }
  if (/[\s\\]/.test(rest)) return refuse('redirect-not-absolute');
  // Keep the port written out, so the URL shown says where the key goes.
  const url = `http://${host}:${port}${parsed.pathname}${parsed.search}`;
  return { ok: true, redirect: { url, host, port } };
}
