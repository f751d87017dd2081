import { isIP } from 'node:net';

/**
 * The BTCPay Server address a merchant types, made canonical: the origin plus
 * the sub-path BTCPay may run under (its `RootPath`), always ending in `/`.
 */

/** Why an address typed by the merchant cannot be used. */
export type BaseUrlProblem =
  'empty' | 'not-a-url' | 'unsupported-scheme' | 'has-credentials';

/** The result of {@link normalizeBaseUrl}. */
export type NormalizedBaseUrl =
  | { ok: true; url: string }
  | { ok: false; problem: BaseUrlProblem; reason: string };

/**
 * Turns what the merchant typed into a canonical base URL: http or https,
 * trailing `/`, sub-path kept, query and fragment dropped. An address without
 * a scheme is taken as https, the way a browser would open it.
 */
export function normalizeBaseUrl(input: string): NormalizedBaseUrl {
  const typed = input.trim();
  if (typed === '') {
    return refuse('empty', 'Enter the address of your BTCPay Server.');
  }

  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(typed)
    ? typed
    : `https://${typed}`;
  let parsed: URL;
  try {
    parsed = new URL(withScheme);
  } catch {
    return refuse(
      'not-a-url',
      'This is not a web address. Copy the address of your BTCPay Server ' +
        'from the browser, for example https://btcpay.example.com/.',
    );
  }

  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return refuse(
      'unsupported-scheme',
      'A BTCPay Server address starts with https:// (or http:// on a local ' +
        'network).',
    );
  }
  // A user name or password in the address would travel with every request
  // and end up in logs; BTCPay Key Manager signs in with API keys instead.
  if (parsed.username !== '' || parsed.password !== '') {
    return refuse(
      'has-credentials',
      'Remove the user name and password from the address; BTCPay Key ' +
        'Manager signs in with API keys.',
    );
  }

  parsed.search = '';
  parsed.hash = '';
  if (!parsed.pathname.endsWith('/')) parsed.pathname += '/';
  return { ok: true, url: parsed.toString() };
}

function refuse(problem: BaseUrlProblem, reason: string): NormalizedBaseUrl {
  return { ok: false, problem, reason };
}

/**
 * Joins an API path to a base URL without losing the base's sub-path:
 * `https://host/btcpay/` + `api/v1/health` is `https://host/btcpay/api/v1/health`.
 */
export function apiUrl(base: string, path: string): string {
  const root = base.endsWith('/') ? base : `${base}/`;
  return new URL(path.replace(/^\/+/, ''), root).toString();
}

/**
 * True when the server is plain http on a public host. BTCPay itself refuses
 * to create keys there on mainnet ("Cannot generate API keys while not using
 * HTTPS or Tor"), and anything sent, keys included, crosses the internet in
 * clear text. Loopback, local-network and .onion hosts are accepted, following
 * BTCPay's own check (`IsLocalNetwork`, `IsOnion`).
 */
export function isInsecureServer(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return true;
  }
  if (parsed.protocol === 'https:') return false;
  if (parsed.protocol !== 'http:') return true;
  return !isLocalOrOnionHost(parsed.hostname);
}

function isLocalOrOnionHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const ipVersion = isIP(host);
  if (ipVersion === 4) return isLocalIPv4(host);
  if (ipVersion === 6) return isLocalIPv6(host);

  const name = host.replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (name.endsWith('.onion')) return true;
  // Names BTCPay treats as local: mDNS, home routers, internal zones and
  // single-label intranet names.
  return (
    name.endsWith('.local') ||
    name.endsWith('.lan') ||
    name.endsWith('.internal') ||
    !name.includes('.')
  );
}

function isLocalIPv4(address: string): boolean {
  const [a = -1, b = -1] = address.split('.').map(Number);
  return (
    a === 127 ||
    a === 10 ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 169 && b === 254)
  );
}

function isLocalIPv6(address: string): boolean {
  if (address === '::1') return true;
  // IPv4-mapped addresses, written by URL as ::ffff:a.b.c.d or ::ffff:xxxx:xxxx.
  const mapped = /^::ffff:(.+)$/.exec(address)?.[1];
  if (mapped !== undefined) return isLocalIPv4(mappedToIPv4(mapped));

  const first = parseInt(address.split(':')[0] || '0', 16);
  const uniqueLocal = (first & 0xfe00) === 0xfc00; // fc00::/7
  const linkLocal = (first & 0xffc0) === 0xfe80; // fe80::/10
  return uniqueLocal || linkLocal;
}

function mappedToIPv4(tail: string): string {
  if (isIP(tail) === 4) return tail;
  const [high = '0', low = '0'] = tail.split(':');
  const h = parseInt(high, 16);
  const l = parseInt(low, 16);
  return [h >> 8, h & 0xff, l >> 8, l & 0xff].join('.');
}
