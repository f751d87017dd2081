import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkedBrowserOpener } from '../../main/external-links';
import { findDeepLink, rendererFilePath } from '../../main/security';
import { buildAuthorizeUrl } from '../../src/authorize/request';
import { checkLoopbackRedirect } from '../../src/delegation/redirect';
import { normalizeBaseUrl } from '../../src/greenfield';
import { recordingLogger } from '../electron/fakes';
import { nastyText, redirectText, serverText } from './support/arbitraries';

/**
 * The small gatekeepers every untrusted address passes through: the server
 * address a merchant types, a requester's redirect, URLs the app hands to
 * the browser, the app scheme's file mapping and the deep link picked from
 * a command line. Each must hold its rule for any input.
 */

const RUNS = { numRuns: 1500 };

/** The first value of a query parameter, its name in any case, as BTCPay binds it. */
function firstParameter(url: URL, name: string): string | undefined {
  for (const [key, value] of url.searchParams) {
    if (key.toLowerCase() === name) return value;
  }
  return undefined;
}

/** How an authorize URL the core built can be bent on its way to main. */
const tamper = fc.oneof(
  { weight: 4, arbitrary: fc.constant('') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '#x',
      '&redirect=https://evil.example/k',
      '/extra',
      '%2F..',
      ' ',
    ),
  },
  { weight: 1, arbitrary: nastyText },
);

/**
 * What might reach the core's `openBrowser`: authorize URLs built for every
 * kind of server and redirect, some tampered with, and plain noise; with the
 * flow's own server, another server, or none.
 */
const browserRequest = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .record({
        server: serverText,
        redirect: fc.option(redirectText, { nil: undefined }),
        tail: tamper,
        flow: fc.oneof(
          fc.constant('same' as const),
          fc.constant(null),
          serverText,
        ),
      })
      .map(({ server, redirect, tail, flow }) => {
        const url = URL.canParse(server)
          ? buildAuthorizeUrl(server, {
              applicationName: 'Shop',
              permissions: ['btcpay.store.canviewinvoices'],
              strict: true,
              selectiveStores: false,
              ...(redirect === undefined ? {} : { redirect }),
            }) + tail
          : server + tail;
        return { url, flowServer: flow === 'same' ? server : flow };
      }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      url: fc.oneof(serverText, redirectText, nastyText),
      flowServer: fc.option(serverText, { nil: null }),
    }),
  },
);

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

  it('opens in the browser only BTCPay authorize pages that post the key back here', async () => {
    const { logger } = recordingLogger();
    const opened: string[] = [];
    const openBrowser = checkedBrowserOpener(async (url) => {
      opened.push(url);
    }, logger);
    let accepted = 0;
    let refusedForServer = 0;

    await fc.assert(
      fc.asyncProperty(browserRequest, async ({ url, flowServer }) => {
        opened.length = 0;
        const flow =
          flowServer === null ? undefined : { serverUrl: flowServer };
        const refusal = await openBrowser(url, flow).then(
          () => null,
          (error: Error) => error.message,
        );
        if (refusal !== null) {
          expect(opened).toEqual([]);
          if (/not on the server/.test(refusal)) refusedForServer += 1;
          return;
        }

        accepted += 1;
        expect(opened).toEqual([url]);
        const page = new URL(url.trim());
        expect(['http:', 'https:']).toContain(page.protocol);
        expect(page.username + page.password + page.hash).toBe('');
        expect(page.pathname.toLowerCase()).toMatch(/\/api-keys\/authorize$/);
        const redirect = new URL(firstParameter(page, 'redirect') ?? '');
        expect(redirect.protocol).toBe('http:');
        expect(['127.0.0.1', '[::1]']).toContain(redirect.hostname);
        if (flowServer !== null) {
          const base = normalizeBaseUrl(flowServer);
          expect(base.ok).toBe(true);
          const onServer = `${page.origin}${page.pathname}`.toLowerCase();
          if (base.ok) {
            expect(onServer).toBe(
              `${base.url}api-keys/authorize`.toLowerCase(),
            );
          }
        }
      }),
      { numRuns: 3000 },
    );
    expect(accepted).toBeGreaterThan(200);
    expect(refusedForServer).toBeGreaterThan(100);
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
