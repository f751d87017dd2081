import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDeepLink, LINK_LIMITS } from '../../src/delegation/link';

const SERVER = 'https://mainnet.demo.btcpayserver.org';
const VIEW = 'btcpay.store.canviewinvoices';
const enc = encodeURIComponent;

function accepted(link: string) {
  const result = parseDeepLink(link);
  if (!result.ok) throw new Error(`refused: ${result.refusal.message}`);
  return result.request;
}

function refusedRule(link: string): string {
  const result = parseDeepLink(link);
  return result.ok ? 'accepted' : result.refusal.rule;
}

const link = (query: string) =>
  `btcpay-keys://authorize?server=${enc(SERVER)}&${query}`;

describe('parseDeepLink: the authorize requests integrators write', () => {
  it('reads a bare request as a zero-permission request to prove the user exists', () => {
    expect(
      accepted(`btcpay-keys://authorize?server=${enc(SERVER)}`),
    ).toMatchObject({
      server: `${SERVER}/`,
      permissions: [],
      strict: true,
      selectiveStores: false,
      redirect: null,
      applicationName: null,
    });
  });

  it('keeps the application name as the label to show', () => {
    expect(
      accepted(link('applicationName=Your%20Application')).applicationName,
    ).toBe('Your Application');
  });

  it('refuses a remote redirect that BTCPay itself would accept, saying why', () => {
    const result = parseDeepLink(
      link('applicationName=Your%20Application&redirect=http://gozo.com'),
    );
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.refusal.rule).toBe('redirect-host');
      expect(result.refusal.message).toMatch(/this computer/);
    }
  });

  it('reads repeated permissions, strict and selectiveStores', () => {
    const request = accepted(
      link(
        'permissions=btcpay.store.cancreateinvoice&permissions=btcpay.store.canviewinvoices&selectiveStores=true&strict=false',
      ),
    );
    expect(request.permissions).toEqual([
      'btcpay.store.cancreateinvoice',
      'btcpay.store.canviewinvoices',
    ]);
    expect(request.selectiveStores).toBe(true);
    expect(request.strict).toBe(false);
  });

  it('warns that an identifier without a redirect is ignored, without failing', () => {
    const request = accepted(link('applicationIdentifier=gozo'));
    expect(request.applicationIdentifier).toBe('gozo');
    expect(request.warnings.map((w) => w.code)).toEqual([
      'identifier-without-redirect',
    ]);
    expect(request.warnings[0]?.message).toMatch(/ignores an identifier/);
  });

  it('lower-cases policy names but keeps store scopes as written', () => {
    expect(
      accepted(link('permissions=BTCPAY.STORE.CANVIEWINVOICES:AbC'))
        .permissions,
    ).toEqual(['btcpay.store.canviewinvoices:AbC']);
  });

  it('refuses an empty scope and an unknown policy with the reason', () => {
    expect(refusedRule(link('permissions=btcpay.store.canviewinvoices:'))).toBe(
      'permission-invalid',
    );
    const unknown = parseDeepLink(
      link('permissions=btcpay.store.nosuchpolicy'),
    );
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) {
      expect(unknown.refusal.rule).toBe('permission-unknown');
      expect(unknown.refusal.message).toContain('btcpay.store.nosuchpolicy');
    }
  });

  it('keeps the sub-path of the server', () => {
    const request = accepted(
      `btcpay-keys://authorize?server=${enc('https://example.com/btcpay/')}`,
    );
    expect(request.server).toBe('https://example.com/btcpay/');
  });

  it('accepts a loopback redirect and echoes the state', () => {
    const request = accepted(
      link(
        `redirect=${enc('http://127.0.0.1:5123/cb?x=1')}&state=abc&applicationIdentifier=pos`,
      ),
    );
    expect(request.redirect).toEqual({
      url: 'http://127.0.0.1:5123/cb?x=1',
      host: '127.0.0.1',
      port: 5123,
    });
    expect(request.state).toBe('abc');
    expect(request.warnings).toEqual([]);
  });

  it('reads parameter names case-insensitively, as BTCPay does', () => {
    const request = accepted(
      `btcpay-keys://authorize?SERVER=${enc(SERVER)}&ApplicationName=POS&PERMISSIONS=btcpay.store.canviewinvoices`,
    );
    expect(request.applicationName).toBe('POS');
    expect(request.permissions).toEqual(['btcpay.store.canviewinvoices']);
  });
});

describe('parseDeepLink: warnings', () => {
  it('warns that a store-scoped permission without selectiveStores would be widened by BTCPay, and says it is kept here', () => {
    const request = accepted(link(`permissions=${VIEW}:AbC`));
    expect(request.warnings).toEqual([
      {
        code: 'scoped-without-selective-stores',
        message: expect.stringMatching(/keeps them to the store named/),
      },
    ]);
    expect(
      accepted(link(`permissions=${VIEW}:AbC&selectiveStores=true`)).warnings,
    ).toEqual([]);
  });

  it('warns about a plain-http server on a public address and server permissions', () => {
    const request = accepted(
      `btcpay-keys://authorize?server=${enc('http://btcpay.example.com/')}&permissions=btcpay.server.canmodifyserversettings`,
    );
    expect(request.warnings.map((w) => w.code)).toEqual([
      'insecure-server',
      'server-permissions-need-admin',
    ]);
  });

  it('names the invisible character that made a name unacceptable', () => {
    const result = parseDeepLink(
      link(`applicationName=${enc('Invoice\u202Etxt.exe')}`),
    );
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.refusal.message).toMatch(/U\+202E/);
      expect(result.refusal.message).toMatch(/different name/);
    }
  });
});

describe('parseDeepLink: open?url=', () => {
  it('reads a full BTCPay authorize URL, sub-path included', () => {
    const inner =
      'https://example.com/btcpay/api-keys/authorize?applicationName=POS&permissions=btcpay.store.cancreateinvoice&selectiveStores=true';
    const request = accepted(`btcpay-keys://open?url=${enc(inner)}&state=s1`);
    expect(request).toMatchObject({
      server: 'https://example.com/btcpay/',
      applicationName: 'POS',
      permissions: ['btcpay.store.cancreateinvoice'],
      selectiveStores: true,
      state: 's1',
    });
  });

  it('echoes a state written inside the wrapped URL, and refuses one given twice', () => {
    const inner = `${SERVER}/api-keys/authorize?permissions=${VIEW}&state=inside`;
    expect(accepted(`btcpay-keys://open?url=${enc(inner)}`).state).toBe(
      'inside',
    );
    expect(
      refusedRule(`btcpay-keys://open?url=${enc(inner)}&state=outside`),
    ).toBe('repeated-parameter');
    const long = `${SERVER}/api-keys/authorize?state=${'s'.repeat(600)}`;
    expect(refusedRule(`btcpay-keys://open?url=${enc(long)}`)).toBe(
      'state-too-long',
    );
  });

  it('refuses a URL that is not a BTCPay authorize page', () => {
    expect(
      refusedRule(
        `btcpay-keys://open?url=${enc('https://evil.example/steal')}`,
      ),
    ).toBe('url-not-authorize');
    expect(
      refusedRule(`btcpay-keys://open?url=${enc('javascript:alert(1)')}`),
    ).toBe('url-not-authorize');
  });
});

describe('parseDeepLink: hostile links', () => {
  it.each([
    [
      'https redirect',
      `redirect=${enc('https://127.0.0.1:8443/cb')}`,
      'redirect-scheme',
    ],
    [
      'javascript: redirect',
      `redirect=${enc('javascript:alert(1)')}`,
      'redirect-scheme',
    ],
    [
      'file: redirect',
      `redirect=${enc('file:///etc/passwd')}`,
      'redirect-scheme',
    ],
    [
      'user info',
      `redirect=${enc('http://127.0.0.1@evil.example/')}`,
      'redirect-userinfo',
    ],
    [
      'look-alike host',
      `redirect=${enc('http://127.0.0.1.evil.example:80/')}`,
      'redirect-host',
    ],
    [
      'decimal loopback',
      `redirect=${enc('http://2130706433:8080/')}`,
      'redirect-host',
    ],
    [
      'octal loopback',
      `redirect=${enc('http://0177.0.0.1:8080/')}`,
      'redirect-host',
    ],
    [
      'hex loopback',
      `redirect=${enc('http://0x7f.0.0.1:8080/')}`,
      'redirect-host',
    ],
    ['missing port', `redirect=${enc('http://127.0.0.1/cb')}`, 'redirect-port'],
    [
      'localhost',
      `redirect=${enc('http://localhost:8080/cb')}`,
      'redirect-localhost',
    ],
    [
      'repeated redirect',
      `redirect=${enc('http://127.0.0.1:1/')}&redirect=${enc('http://127.0.0.1:2/')}`,
      'repeated-parameter',
    ],
    ['repeated state', 'state=a&state=b', 'repeated-parameter'],
    [
      'repeated strict, mixed case',
      'strict=true&STRICT=false',
      'repeated-parameter',
    ],
    ['invalid boolean', 'selectiveStores=yes', 'selectivestores-invalid'],
    [
      'invalid permission',
      'permissions=not%20a%20permission',
      'permission-invalid',
    ],
    [
      'unknown permission',
      'permissions=btcpay.store.cantakeallthemoney',
      'permission-unknown',
    ],
    [
      'huge state',
      `state=${'s'.repeat(LINK_LIMITS.stateLength + 1)}`,
      'state-too-long',
    ],
    [
      'huge name',
      `applicationName=${'n'.repeat(201)}`,
      'applicationname-invalid',
    ],
    [
      'control characters in name',
      'applicationName=a%0Ab',
      'applicationname-invalid',
    ],
    [
      'right-to-left override in name',
      `applicationName=${enc('Till\u202Eexe.gpj')}`,
      'applicationname-invalid',
    ],
    [
      'bidi isolate in identifier',
      `applicationIdentifier=${enc('pos\u2066x\u2069')}`,
      'applicationidentifier-invalid',
    ],
    [
      'left-to-right mark in name',
      `applicationName=${enc('Till\u200E')}`,
      'applicationname-invalid',
    ],
    [
      'zero-width joiner in name',
      `applicationName=${enc('Ti\u200Dll')}`,
      'applicationname-invalid',
    ],
    [
      'line separator in name',
      `applicationName=${enc('Till\u2028Approved')}`,
      'applicationname-invalid',
    ],

    [
      'too many permissions',
      Array.from(
        { length: 65 },
        () => 'permissions=btcpay.store.canviewinvoices',
      ).join('&'),
      'too-many-permissions',
    ],
  ])('refuses a %s', (_label, query, rule) => {
    expect(refusedRule(link(query))).toBe(rule);
  });

  it.each([
    ['another scheme', 'https://authorize?server=x', 'link-form'],
    ['an unknown action', 'btcpay-keys://steal?server=x', 'link-action'],
    [
      'no server',
      'btcpay-keys://authorize?applicationName=x',
      'missing-server',
    ],
    [
      'a server that is not http(s)',
      `btcpay-keys://authorize?server=${enc('ftp://x/')}`,
      'server-invalid',
    ],
    [
      'a huge link',
      `btcpay-keys://authorize?server=x&a=${'x'.repeat(20_000)}`,
      'link-too-long',
    ],
    ['an empty link', '', 'link-empty'],
  ])('refuses %s', (_label, text, rule) => {
    expect(refusedRule(text)).toBe(rule);
  });

  it('keeps the state and a valid redirect of a refused link, to answer the requester', () => {
    const result = parseDeepLink(
      link(
        `redirect=${enc('http://127.0.0.1:7000/cb')}&state=st&permissions=bad%20one`,
      ),
    );
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.refusal.state).toBe('st');
      expect(result.refusal.redirect?.port).toBe(7000);
    }
  });

  it('either accepts a link with a valid request or refuses it with a reason, never throws', () => {
    const fragment = fc.oneof(
      fc.string(),
      fc.constantFrom(
        'server=',
        'redirect=',
        'state=',
        'permissions=',
        '&',
        '%',
        '#',
        ':',
        '@',
      ),
    );
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 12 }), (parts) => {
        const result = parseDeepLink(
          `btcpay-keys://authorize?${parts.join('')}`,
        );
        if (result.ok) {
          expect(result.request.server).toMatch(/^https?:\/\/.+\/$/);
          expect(result.request.redirect?.url ?? 'http://127.0.0.1:1/').toMatch(
            /^http:\/\/(127\.0\.0\.1|\[::1\]):\d+\//,
          );
        } else {
          expect(result.refusal.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
