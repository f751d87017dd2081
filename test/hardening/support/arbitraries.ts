import fc from 'fast-check';
import { CATALOGUE } from '../../../src/permissions';

/**
 * Hostile-but-plausible inputs for the fuzz suites: mostly near-misses of
 * what each parser accepts, mixed with plain noise, so both the accepting
 * and the refusing branches are exercised thousands of times.
 */

const KNOWN_POLICIES = CATALOGUE.map((entry) => entry.policy);

/** Text with the characters parsers trip over: controls, quotes, unicode. */
export const nastyText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom(
    '',
    ' ',
    '%',
    '%zz',
    '%00',
    '\u0000',
    '\n',
    '\r\n',
    '\u202e',
    '&',
    '=',
    '#',
    '?',
    ':',
    '::',
    '..',
    '/',
    '\\',
    '"',
    "'",
    '<script>',
    'true',
    'FALSE',
    'null',
    'undefined',
    '__proto__',
    'constructor',
  ),
);

/** A permission string: known, near-miss, scoped or garbage. */
export const permissionText = fc.oneof(
  fc.constantFrom(...KNOWN_POLICIES, 'unrestricted', 'btcpay.store.cancreate'),
  fc
    .tuple(fc.constantFrom(...KNOWN_POLICIES), fc.string({ maxLength: 30 }))
    .map(([policy, scope]) => `${policy}:${scope}`),
  fc
    .tuple(fc.constantFrom(...KNOWN_POLICIES), fc.boolean(), nastyText)
    .map(
      ([policy, upper, tail]) =>
        `${upper ? policy.toUpperCase() : policy}${tail}`,
    ),
  fc
    .array(fc.stringMatching(/^[a-z0-9]{1,8}$/), {
      minLength: 1,
      maxLength: 5,
    })
    .map((parts) => `btcpay.${parts.join('.')}`),
  nastyText,
);

/** A server base address: good, odd, or not a URL at all. */
export const serverText = fc.oneof(
  fc.constantFrom(
    'https://btcpay.example.com/',
    'https://btcpay.example.com/btcpay/',
    'http://127.0.0.1:23000/',
    'http://btcpay.example.com',
    'https://user:pass@btcpay.example.com/',
    'ftp://btcpay.example.com/',
    'javascript:alert(1)',
    'https://',
    'https://[::1]:443/',
    'https://0x7f.1/',
  ),
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  nastyText,
);

/** A redirect: a valid loopback one, a near miss, or anything. */
export const redirectText = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('127.0.0.1', '[::1]'),
      fc.integer({ min: 1, max: 65535 }),
      fc.stringMatching(/^[a-zA-Z0-9/_-]{0,30}$/),
    )
    .map(([host, port, path]) => `http://${host}:${port}/${path}`),
  fc.constantFrom(
    'http://localhost:8080/cb',
    'http://127.0.0.1/cb',
    'http://2130706433:80/',
    'http://0x7f.1:80/',
    'https://127.0.0.1:80/',
    'http://user@127.0.0.1:80/',
    'http://127.0.0.1:80/#frag',
    'http://127.0.0.2:80/',
    'http://[::ffff:127.0.0.1]:80/',
    '/relative/path',
  ),
  fc.webUrl(),
  nastyText,
);

/** One query parameter, often one of the names a parser knows. */
const parameter = (names: readonly string[]) =>
  fc
    .tuple(
      fc.oneof(
        fc.constantFrom(...names),
        fc.constantFrom(...names).map((name) => name.toUpperCase()),
        fc.string({ maxLength: 12 }),
      ),
      fc.oneof(permissionText, serverText, redirectText, nastyText),
    )
    .map(([name, value]) => [name, value] as const);

/** A query string from parameters, sometimes raw instead of encoded. */
export function queryOf(names: readonly string[]) {
  return fc
    .tuple(fc.array(parameter(names), { maxLength: 12 }), fc.boolean())
    .map(([pairs, raw]) =>
      pairs
        .map(([name, value]) =>
          raw
            ? `${name}=${value}`
            : `${encodeURIComponent(name)}=${encodeURIComponent(value)}`,
        )
        .join('&'),
    );
}

/** Rough HTTP status codes, weighted toward the ones with a meaning. */
export const httpStatus = fc.oneof(
  fc.constantFrom(200, 201, 204, 400, 401, 403, 404, 405, 409, 422, 429),
  fc.constantFrom(500, 502, 503, 504, 301, 302, 304),
  fc.integer({ min: 200, max: 599 }),
);
