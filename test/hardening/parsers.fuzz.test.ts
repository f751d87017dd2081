import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildAuthorizeUrl,
  readAuthorizeUrl,
} from '../../src/authorize/request';
import { LINK_LIMITS, parseDeepLink } from '../../src/delegation/link';
import {
  describePermission,
  diffPermissions,
  known,
  parsePermission,
} from '../../src/permissions';
import {
  nastyText,
  permissionText,
  queryOf,
  redirectText,
  serverText,
} from './support/arbitraries';

// Every property runs thousands of inputs; a failure prints the shrunk input.
const RUNS = { numRuns: 1500 };

const LINK_NAMES = [
  'server',
  'applicationName',
  'applicationIdentifier',
  'permissions',
  'strict',
  'selectiveStores',
  'redirect',
  'state',
  'url',
];

const deepLink = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('authorize', 'open', 'AUTHORIZE', 'x'),
      queryOf(LINK_NAMES),
    )
    .map(([action, query]) => `btcpay-keys://${action}?${query}`),
  fc
    .tuple(serverText, fc.array(permissionText, { maxLength: 6 }), redirectText)
    .map(
      ([server, permissions, redirect]) =>
        `btcpay-keys://authorize?server=${encodeURIComponent(server)}` +
        permissions
          .map((p) => `&permissions=${encodeURIComponent(p)}`)
          .join('') +
        `&redirect=${encodeURIComponent(redirect)}`,
    ),
  fc
    .tuple(serverText, queryOf(LINK_NAMES))
    .map(
      ([server, query]) =>
        `btcpay-keys://open?url=${encodeURIComponent(`${server}api-keys/authorize?${query}`)}`,
    ),
  nastyText.map((text) => `btcpay-keys://${text}`),
  nastyText,
);

/** A refusal is only useful if it says something. */
function expectReason(text: string): void {
  expect(typeof text).toBe('string');
  expect(text.trim().length).toBeGreaterThan(0);
}

describe('parseDeepLink under hostile links', () => {
  it('accepts only checked requests and refuses everything else with a rule', () => {
    const seen = { accepted: 0, refused: 0 };
    fc.assert(
      fc.property(deepLink, (link) => {
        const result = parseDeepLink(link);
        seen[result.ok ? 'accepted' : 'refused'] += 1;
        if (!result.ok) {
          expectReason(result.refusal.rule);
          expectReason(result.refusal.message);
          return;
        }
        const request = result.request;
        expect(request.server).toMatch(/^https?:\/\/[^/]+.*\/$/);
        for (const permission of request.permissions) {
          const parsed = parsePermission(permission);
          expect(parsed.ok).toBe(true);
          if (parsed.ok) expect(known(parsed.permission.policy)).toBe(true);
        }
        expect(request.permissions.length).toBeLessThanOrEqual(
          LINK_LIMITS.permissionCount,
        );
        if (request.redirect) {
          expect(['127.0.0.1', '[::1]']).toContain(request.redirect.host);
          expect(request.redirect.url.startsWith('http://')).toBe(true);
        }
        expect((request.state ?? '').length).toBeLessThanOrEqual(
          LINK_LIMITS.stateLength,
        );
        // eslint-disable-next-line no-control-regex
        const control = /[\u0000-\u001f\u007f]/;
        expect(control.test(request.applicationName ?? '')).toBe(false);
        expect(control.test(request.applicationIdentifier ?? '')).toBe(false);
      }),
      RUNS,
    );
    // Both branches must really run, or the property proves nothing.
    expect(seen.accepted).toBeGreaterThan(20);
    expect(seen.refused).toBeGreaterThan(20);
  });

  it('refuses links longer than the limit whatever they hold', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 20 }), (tail) => {
        const link = `btcpay-keys://authorize?state=${'a'.repeat(LINK_LIMITS.linkLength)}${tail}`;
        const result = parseDeepLink(link);
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.refusal.rule).toBe('link-too-long');
      }),
      { numRuns: 50 },
    );
  });
});

const AUTHORIZE_NAMES = [
  'applicationName',
  'applicationIdentifier',
  'permissions',
  'strict',
  'selectiveStores',
  'redirect',
];

const authorizeUrl = fc.oneof(
  fc
    .tuple(serverText, queryOf(AUTHORIZE_NAMES))
    .map(([server, query]) => `${server}api-keys/authorize?${query}`),
  fc
    .tuple(
      serverText,
      fc.constantFrom('api-keys/authorize', 'API-KEYS/Authorize/', 'api-keys'),
      queryOf(AUTHORIZE_NAMES),
    )
    .map(([server, path, query]) => `${server}/${path}?${query}`),
  nastyText,
);

describe('readAuthorizeUrl under hostile addresses', () => {
  it('reads a valid request or gives a reason, never throwing', () => {
    const seen = { accepted: 0, refused: 0 };
    fc.assert(
      fc.property(authorizeUrl, (url) => {
        const result = readAuthorizeUrl(url);
        seen[result.ok ? 'accepted' : 'refused'] += 1;
        if (!result.ok) return expectReason(result.reason);
        expect(result.server).toMatch(/^https?:\/\/.+\/$/);
        for (const permission of result.request.permissions) {
          expect(parsePermission(permission).ok).toBe(true);
        }
        expect(typeof result.request.strict).toBe('boolean');
        expect(typeof result.request.selectiveStores).toBe('boolean');
        for (const warning of result.warnings) expectReason(warning.message);
      }),
      RUNS,
    );
    expect(seen.accepted).toBeGreaterThan(20);
    expect(seen.refused).toBeGreaterThan(20);
  });

  it('reads back exactly what buildAuthorizeUrl wrote', () => {
    const validPermissions = fc
      .array(permissionText, { maxLength: 8 })
      .map((list) =>
        list.flatMap((text) => {
          const parsed = parsePermission(text);
          return parsed.ok ? [parsed.permission.text] : [];
        }),
      )
      .map((list) => [...new Set(list)]);
    fc.assert(
      fc.property(
        fc.constantFrom(
          'https://btcpay.example.com/',
          'https://h.example/sub/',
        ),
        validPermissions,
        fc.boolean(),
        fc.boolean(),
        fc.option(fc.string({ minLength: 1, maxLength: 30 }), {
          nil: undefined,
        }),
        (server, permissions, strict, selectiveStores, applicationName) => {
          const request = {
            permissions,
            strict,
            selectiveStores,
            applicationName,
          };
          const result = readAuthorizeUrl(buildAuthorizeUrl(server, request));
          expect(result.ok).toBe(true);
          if (!result.ok) return;
          expect(result.server).toBe(server);
          expect(result.request.permissions).toEqual(permissions);
          expect(result.request.strict).toBe(strict);
          expect(result.request.selectiveStores).toBe(selectiveStores);
          expect(result.request.applicationName).toBe(
            applicationName?.trim() || undefined,
          );
        },
      ),
      RUNS,
    );
  });
});

describe('permission parsing under hostile text', () => {
  it('parses to a canonical form that reads back unchanged', () => {
    fc.assert(
      fc.property(permissionText, (text) => {
        const parsed = parsePermission(text);
        if (!parsed.ok) return expectReason(parsed.reason);
        const again = parsePermission(parsed.permission.text);
        expect(again).toEqual(parsed);
        expect(parsed.permission.policy).toBe(
          parsed.permission.policy.toLowerCase(),
        );
      }),
      RUNS,
    );
  });

  it('describes any text, marking exactly the unparsable ones invalid', () => {
    fc.assert(
      fc.property(permissionText, (text) => {
        const description = describePermission(text, {
          storeNames: { store1: 'Shop <b>' },
        });
        expect(description.valid).toBe(parsePermission(text).ok);
        expect(typeof description.text).toBe('string');
      }),
      RUNS,
    );
  });

  it('explains every difference between any request and any grant', () => {
    const list = fc.array(permissionText, { maxLength: 8 });
    fc.assert(
      fc.property(list, list, (requested, granted) => {
        for (const difference of diffPermissions(requested, granted)) {
          expectReason(difference.explanation);
          expect(
            difference.requested !== undefined ||
              difference.granted !== undefined,
          ).toBe(true);
        }
        const same = diffPermissions(granted, granted);
        expect(same.filter((d) => d.type === 'not-granted')).toEqual([]);
        expect(same.filter((d) => d.type === 'extra')).toEqual([]);
      }),
      RUNS,
    );
  });
});
