import { describe, expect, it } from 'vitest';
import {
  buildAuthorizeUrl,
  readAuthorizeUrl,
  type AuthorizeRequest,
} from '../../src/authorize/request';
import { authorizeWarnings } from '../../src/authorize/warnings';

// The requests BTCPay's documentation gives as examples, with the meaning
// each has for BTCPay (see the shared authorize-url cases).
const BASE = 'https://mainnet.demo.btcpayserver.org';
const DEFAULTS = { permissions: [], strict: true, selectiveStores: false };
const INVOICES = [
  'btcpay.store.cancreateinvoice',
  'btcpay.store.canviewinvoices',
];
const FIVE =
  '/api-keys/authorize?permissions=btcpay.store.cancreateinvoice' +
  '&permissions=btcpay.store.canviewinvoices';

const documentedCases: Array<[string, string, AuthorizeRequest]> = [
  ['proves that a user exists', '/api-keys/authorize', DEFAULTS],
  [
    'names the application',
    '/api-keys/authorize?applicationName=Your%20Application',
    { ...DEFAULTS, applicationName: 'Your Application' },
  ],
  [
    'posts the result to a redirect',
    '/api-keys/authorize?applicationName=Your%20Application&redirect=http://gozo.com',
    {
      ...DEFAULTS,
      applicationName: 'Your Application',
      redirect: 'http://gozo.com',
    },
  ],
  [
    'asks to reuse a key by identifier',
    '/api-keys/authorize?applicationName=Your%20Application' +
      '&redirect=http://gozo.com&applicationIdentifier=gozo',
    {
      ...DEFAULTS,
      applicationName: 'Your Application',
      redirect: 'http://gozo.com',
      applicationIdentifier: 'gozo',
    },
  ],
  [
    'asks for invoices on all stores',
    FIVE,
    { ...DEFAULTS, permissions: INVOICES },
  ],
  [
    'lets the user pick the store',
    `${FIVE}&selectiveStores=true`,
    { ...DEFAULTS, permissions: INVOICES, selectiveStores: true },
  ],
  [
    'lets the user add permissions',
    `${FIVE}&strict=false`,
    { ...DEFAULTS, permissions: INVOICES, strict: false },
  ],
];

describe('readAuthorizeUrl and buildAuthorizeUrl', () => {
  it.each(documentedCases)(
    'round-trips the documented request that %s',
    (_what, pathAndQuery, meaning) => {
      const read = readAuthorizeUrl(`${BASE}${pathAndQuery}`);
      expect(read).toMatchObject({ ok: true, server: `${BASE}/` });
      if (!read.ok) return;
      expect(read.request).toEqual(meaning);

      const rebuilt = buildAuthorizeUrl(read.server, read.request);
      const again = readAuthorizeUrl(rebuilt);
      expect(again).toMatchObject({ ok: true, server: `${BASE}/` });
      if (!again.ok) return;
      expect(again.request).toEqual(meaning);
    },
  );

  it('builds every permission as its own parameter and both switches explicitly', () => {
    const url = new URL(
      buildAuthorizeUrl(`${BASE}/`, { ...DEFAULTS, permissions: INVOICES }),
    );

    expect(url.searchParams.getAll('permissions')).toEqual(INVOICES);
    expect(url.searchParams.get('strict')).toBe('true');
    expect(url.searchParams.get('selectiveStores')).toBe('false');
    expect(url.search).not.toContain('%5B');
  });

  it('encodes names and redirects so BTCPay reads them back unchanged', () => {
    const request: AuthorizeRequest = {
      ...DEFAULTS,
      applicationName: 'Café & Co = 100% #1',
      applicationIdentifier: 'shop/1?x',
      redirect: 'http://127.0.0.1:5123/callback/abc?state=1&x=2',
    };
    const url = buildAuthorizeUrl(`${BASE}/`, request);

    expect(url).toContain(
      'applicationName=Caf%C3%A9%20%26%20Co%20%3D%20100%25%20%231',
    );
    const read = readAuthorizeUrl(url);
    expect(read.ok && read.request).toEqual(request);
  });

  it('keeps the sub-path BTCPay runs under', () => {
    const url = buildAuthorizeUrl('https://example.com/btcpay/', DEFAULTS);

    expect(
      url.startsWith('https://example.com/btcpay/api-keys/authorize?'),
    ).toBe(true);
    expect(buildAuthorizeUrl('https://example.com/btcpay', DEFAULTS)).toBe(url);
    expect(readAuthorizeUrl(url)).toMatchObject({
      ok: true,
      server: 'https://example.com/btcpay/',
    });
  });

  it('reads parameter names in any case, as BTCPay does', () => {
    const read = readAuthorizeUrl(
      `${BASE}/API-Keys/Authorize?PERMISSIONS=btcpay.store.canviewinvoices` +
        '&ApplicationName=Shop&STRICT=False&selectivestores=TRUE',
    );

    expect(read.ok && read.request).toEqual({
      applicationName: 'Shop',
      permissions: ['btcpay.store.canviewinvoices'],
      strict: false,
      selectiveStores: true,
    });
  });

  it('lower-cases policy names but keeps the store id as written', () => {
    const read = readAuthorizeUrl(
      `${BASE}/api-keys/authorize?permissions=BTCPAY.STORE.CANVIEWINVOICES` +
        '&permissions=BTCPAY.STORE.CANCREATEINVOICE:AbCdEf',
    );

    expect(read.ok && read.request.permissions).toEqual([
      'btcpay.store.canviewinvoices',
      'btcpay.store.cancreateinvoice:AbCdEf',
    ]);
  });

  it('refuses a permission with an empty store', () => {
    const read = readAuthorizeUrl(
      `${BASE}/api-keys/authorize?permissions=btcpay.store.canviewinvoices:`,
    );

    expect(read.ok).toBe(false);
    expect(!read.ok && read.reason).toContain('btcpay.store.canviewinvoices:');
  });

  it('refuses switches that are neither true nor false', () => {
    const read = readAuthorizeUrl(`${BASE}/api-keys/authorize?strict=yes`);

    expect(read).toEqual({
      ok: false,
      reason: 'strict and selectiveStores must be true or false.',
    });
  });

  it('refuses addresses that are not an authorize page', () => {
    for (const url of [
      'not a url',
      'ftp://example.com/api-keys/authorize',
      `${BASE}/api-keys`,
      'https://user:pass@example.com/api-keys/authorize',
    ]) {
      expect(readAuthorizeUrl(url).ok).toBe(false);
    }
  });

  it('treats a relative redirect as none and says so', () => {
    const read = readAuthorizeUrl(
      `${BASE}/api-keys/authorize?redirect=/callback&applicationIdentifier=gozo`,
    );

    expect(read.ok && read.request.redirect).toBeUndefined();
    const codes = read.ok ? read.warnings.map((w) => w.code) : [];
    expect(codes).toContain('relative-redirect');
    expect(codes).toContain('identifier-without-redirect');
  });

  it('names parameters BTCPay ignores', () => {
    const read = readAuthorizeUrl(`${BASE}/api-keys/authorize?state=1&scope=x`);

    expect(read.ok && read.warnings).toContainEqual(
      expect.objectContaining({
        code: 'ignored-parameters',
        subjects: ['state', 'scope'],
      }),
    );
  });
});

// The edge cases integrators also write, with the outcome each must have.
const edgeCases: Array<[string, string, string, AuthorizeRequest, string[]]> = [
  [
    'an identifier without a redirect',
    BASE,
    '/api-keys/authorize?applicationIdentifier=gozo',
    { ...DEFAULTS, applicationIdentifier: 'gozo' },
    ['identifier-without-redirect'],
  ],
  [
    'an upper-case policy name',
    BASE,
    '/api-keys/authorize?permissions=BTCPAY.STORE.CANVIEWINVOICES',
    { ...DEFAULTS, permissions: ['btcpay.store.canviewinvoices'] },
    [],
  ],
  [
    'a policy this server does not know',
    BASE,
    '/api-keys/authorize?permissions=btcpay.store.nosuchpolicy',
    { ...DEFAULTS, permissions: ['btcpay.store.nosuchpolicy'] },
    ['unknown-policies'],
  ],
  [
    'a server under a sub-path',
    'https://example.com/btcpay',
    '/api-keys/authorize?permissions=btcpay.store.canviewinvoices',
    { ...DEFAULTS, permissions: ['btcpay.store.canviewinvoices'] },
    [],
  ],
];

describe('readAuthorizeUrl on the edge cases', () => {
  it.each(edgeCases)(
    'reads and rebuilds %s with the same meaning and warnings',
    (_what, base, pathAndQuery, meaning, warningCodes) => {
      const read = readAuthorizeUrl(`${base}${pathAndQuery}`);
      expect(read).toMatchObject({ ok: true, server: `${base}/` });
      if (!read.ok) return;
      expect(read.request).toEqual(meaning);
      expect(read.warnings.map((w) => w.code)).toEqual(warningCodes);

      const again = readAuthorizeUrl(
        buildAuthorizeUrl(read.server, read.request),
      );
      expect(again).toMatchObject({ ok: true, server: `${base}/` });
      expect(again.ok && again.request).toEqual(meaning);
      expect(again.ok && again.warnings.map((w) => w.code)).toEqual(
        warningCodes,
      );
    },
  );
});

describe('authorizeWarnings', () => {
  const codes = (request: AuthorizeRequest) =>
    authorizeWarnings(request).map((warning) => warning.code);

  it('says an identifier without a redirect is ignored, and nothing more', () => {
    expect(codes({ ...DEFAULTS, applicationIdentifier: 'gozo' })).toEqual([
      'identifier-without-redirect',
    ]);
    expect(
      codes({
        ...DEFAULTS,
        applicationIdentifier: 'gozo',
        redirect: 'http://127.0.0.1:1/callback/x',
      }),
    ).toEqual([]);
  });

  it('names each permission the server does not know', () => {
    const [warning] = authorizeWarnings({
      ...DEFAULTS,
      permissions: [
        'btcpay.store.nosuchpolicy',
        'btcpay.store.canviewinvoices',
      ],
    });

    expect(warning?.code).toBe('unknown-policies');
    expect(warning?.subjects).toEqual(['btcpay.store.nosuchpolicy']);
    expect(warning?.message).toContain('btcpay.store.nosuchpolicy');
  });

  it('warns that a store-scoped permission widens to all stores without store selection', () => {
    const request = {
      ...DEFAULTS,
      permissions: ['btcpay.store.canviewinvoices:S1'],
    };

    expect(authorizeWarnings(request)[0]).toMatchObject({
      code: 'scoped-without-selective-stores',
      subjects: ['btcpay.store.canviewinvoices:S1'],
    });
    expect(codes({ ...request, selectiveStores: true })).toEqual([]);
  });

  it('warns about the error page of non-strict requests with an identifier and store permissions', () => {
    const request: AuthorizeRequest = {
      ...DEFAULTS,
      permissions: INVOICES,
      strict: false,
      applicationIdentifier: 'gozo',
      redirect: 'http://gozo.com',
    };

    expect(codes(request)).toEqual(['strict-false-identifier-store']);
    expect(codes({ ...request, strict: true })).toEqual([]);
  });

  it('explains that server permissions need an administrator', () => {
    const [warning] = authorizeWarnings({
      ...DEFAULTS,
      permissions: ['btcpay.server.canmanageusers'],
    });

    expect(warning?.code).toBe('server-permissions-need-admin');
    expect(warning?.message).toContain('cannot approve');
  });
});
