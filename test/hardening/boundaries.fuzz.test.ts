import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  findDeepLink,
  isSafeExternalUrl,
  rendererFilePath,
} from '../../main/security';
import { checkLoopbackRedirect } from '../../src/delegation/redirect';
import { normalizeBaseUrl } from '../../src/greenfield';
import { nastyText, redirectText, serverText } from './support/arbitraries';

/**
 * The small gatekeepers every untrusted address passes through: the server
 * address a merchant types, a requester's redirect, URLs the app hands to
 * the browser, the app scheme's file mapping and the deep link picked from
 * a command line. Each must hold its rule for any input.
 */

const RUNS = { numRuns: 1500 };

describe('server addresses', () => {
  it('become a canonical http(s) base without credentials, or a reason', () => {
    fc.assert(
      fc.property(serverText, (typed) => {
        const result = normalizeBaseUrl(typed);
        if (!result.ok) {
          expect(result.reason.trim()).not.toBe('');
          return;
        }
        const url = new URL(result.url);
        expect(['http:', 'https:']).toContain(url.protocol);
        expect(url.username + url.password).toBe('');
        expect(url.search + url.hash).toBe('');
        expect(result.url.endsWith('/')).toBe(true);
        // Canonical: normalising again changes nothing.
        expect(normalizeBaseUrl(result.url)).toEqual(result);
      }),
      RUNS,
    );
  });
});

describe('requester redirects', () => {
  it('pass only as plain http to a literal loopback address and port', () => {
    fc.assert(
      fc.property(redirectText, (raw) => {
        const check = checkLoopbackRedirect(raw);
        if (!check.ok) {
          expect(check.message.trim()).not.toBe('');
          return;
        }
        const url = new URL(check.redirect.url);
        expect(url.protocol).toBe('http:');
        expect(['127.0.0.1', '[::1]']).toContain(url.hostname);
        expect(url.username + url.password + url.hash).toBe('');
        expect(check.redirect.port).toBeGreaterThan(0);
        expect(check.redirect.port).toBeLessThan(65536);
        // What the user read is what gets used.
        expect(raw.startsWith(`http://${check.redirect.host}:`)).toBe(true);
      }),
      RUNS,
    );
  });
});

describe('the Electron shell', () => {
  const appUrl = fc.oneof(
    fc.webPath().map((p) => `app://keys${p}`),
    nastyText.map((t) => `app://keys/${t}`),
    nastyText.map((t) => `app://keys/${encodeURIComponent(t)}`),
    fc.constantFrom(
      'app://keys/../../etc/passwd',
      'app://keys/%2e%2e/%2e%2e/etc/passwd',
      'app://keys/assets/..%2f..%2fsecret',
      'app://keys/a%5c..%5c..%5cwin.ini',
      'app://keys/x%00.js',
      'app://other/index.html',
      'file:///etc/passwd',
    ),
  );

  it('maps app:// URLs only to files inside the renderer folder', () => {
    let mapped = 0;
    fc.assert(
      fc.property(appUrl, (url) => {
        const file = rendererFilePath(url);
        if (file === null) return;
        mapped += 1;
        expect(file.startsWith('/')).toBe(false);
        for (const segment of file.split('/')) {
          expect(['', '.', '..']).not.toContain(segment);
          expect(segment).not.toMatch(/[\\\0]/);
        }
      }),
      RUNS,
    );
    expect(mapped).toBeGreaterThan(100);
  });

  it('hands the browser only http(s) URLs without credentials', () => {
    let allowed = 0;
    fc.assert(
      fc.property(fc.oneof(serverText, redirectText, nastyText), (url) => {
        if (!isSafeExternalUrl(url)) return;
        allowed += 1;
        const parsed = new URL(url);
        expect(['http:', 'https:']).toContain(parsed.protocol);
        expect(parsed.username + parsed.password).toBe('');
      }),
      RUNS,
    );
    expect(allowed).toBeGreaterThan(100);
  });

  it('picks a deep link from a command line only if it is one', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            nastyText,
            fc.constantFrom('--flag', '--original-process-start-time=1'),
            nastyText.map((t) => `btcpay-keys://authorize?${t}`),
            nastyText.map((t) => `BTCPAY-KEYS:open?${t}`),
            nastyText.map((t) => `x-btcpay-keys://${t}`),
          ),
          { maxLength: 6 },
        ),
        (argv) => {
          const link = findDeepLink(argv);
          const first = argv.find((a) => /^btcpay-keys:/i.test(a)) ?? null;
          expect(link).toBe(first);
          if (link === null) return;
          expect(argv).toContain(link);
          expect(link.toLowerCase().startsWith('btcpay-keys:')).toBe(true);
        },
      ),
      RUNS,
    );
  });
});
