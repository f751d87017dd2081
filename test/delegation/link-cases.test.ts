import { describe, expect, it } from 'vitest';
import { buildAuthorizeUrl } from '../../src/authorize';
import {
  parseDeepLink,
  type DelegationRequest,
} from '../../src/delegation/link';
import {
  buildDeepLink,
  type KeyRequestOptions,
} from '../../src/delegation/requester';

// The authorize requests integrators write, from BTCPay's public examples
// (base https://mainnet.demo.btcpayserver.org): each one built as a deep
// link, and as a BTCPay URL wrapped in open?url=, must read back with the
// same meaning, or be refused for the reason the protocol gives.

const BASE = 'https://mainnet.demo.btcpayserver.org';
const CREATE = 'btcpay.store.cancreateinvoice';
const VIEW = 'btcpay.store.canviewinvoices';

interface Case {
  name: string;
  request: KeyRequestOptions;
  redirect: string | null;
  /** What the link means once read; or the rule it is refused under. */
  meaning: Partial<DelegationRequest> | { refused: string };
}

const CASES: Case[] = [
  {
    name: '1. no permission: proves the user exists',
    request: { server: BASE },
    redirect: null,
    meaning: {
      permissions: [],
      applicationName: null,
      strict: true,
      selectiveStores: false,
      redirect: null,
    },
  },
  {
    name: '2. a named application',
    request: { server: BASE, applicationName: 'Your Application' },
    redirect: null,
    meaning: { applicationName: 'Your Application', permissions: [] },
  },
  {
    name: '3. a remote redirect, valid for BTCPay but not for a deep link',
    request: { server: BASE, applicationName: 'Your Application' },
    redirect: 'http://gozo.com',
    meaning: { refused: 'redirect-host' },
  },
  {
    name: '4. an identifier with a remote redirect',
    request: {
      server: BASE,
      applicationName: 'Your Application',
      applicationIdentifier: 'gozo',
    },
    redirect: 'http://gozo.com',
    meaning: { refused: 'redirect-host' },
  },
  {
    name: '5. create and view invoices on every store',
    request: { server: BASE, permissions: [CREATE, VIEW] },
    redirect: null,
    meaning: { permissions: [CREATE, VIEW], selectiveStores: false },
  },
  {
    name: '6. the same, on the one store the user picks',
    request: {
      server: BASE,
      permissions: [CREATE, VIEW],
      selectiveStores: true,
    },
    redirect: null,
    meaning: { permissions: [CREATE, VIEW], selectiveStores: true },
  },
  {
    name: '7. the same, and the user may add permissions',
    request: { server: BASE, permissions: [CREATE, VIEW], strict: false },
    redirect: null,
    meaning: { permissions: [CREATE, VIEW], strict: false },
  },
  {
    name: 'an identifier without a redirect is kept, with a warning',
    request: { server: BASE, applicationIdentifier: 'gozo' },
    redirect: null,
    meaning: {
      applicationIdentifier: 'gozo',
      warnings: [
        expect.objectContaining({ code: 'identifier-without-redirect' }),
      ],
    },
  },
  {
    name: 'policy names are case-insensitive, scopes are not',
    request: {
      server: BASE,
      permissions: ['BTCPAY.STORE.CANVIEWINVOICES:AbC'],
    },
    redirect: null,
    meaning: { permissions: [`${VIEW}:AbC`] },
  },
  {
    name: 'an empty scope is invalid',
    request: { server: BASE, permissions: [`${VIEW}:`] },
    redirect: null,
    meaning: { refused: 'permission-invalid' },
  },
  {
    name: 'a policy BTCPay does not define is refused, not dropped',
    request: { server: BASE, permissions: ['btcpay.store.nosuchpolicy'] },
    redirect: null,
    meaning: { refused: 'permission-unknown' },
  },
  {
    name: 'a base URL with a sub-path keeps it',
    request: { server: 'https://example.com/btcpay/', permissions: [VIEW] },
    redirect: null,
    meaning: { server: 'https://example.com/btcpay/', permissions: [VIEW] },
  },
];

/** The same request as a BTCPay authorize URL inside open?url=. */
function wrapped(request: KeyRequestOptions, redirect: string | null): string {
  const url = buildAuthorizeUrl(request.server, {
    permissions: request.permissions ?? [],
    strict: request.strict ?? true,
    selectiveStores: request.selectiveStores ?? false,
    ...(request.applicationName
      ? { applicationName: request.applicationName }
      : {}),
    ...(request.applicationIdentifier
      ? { applicationIdentifier: request.applicationIdentifier }
      : {}),
    ...(redirect ? { redirect } : {}),
  });
  return `btcpay-keys://open?url=${encodeURIComponent(url)}`;
}

function expectMeaning(link: string, meaning: Case['meaning']): void {
  const parsed = parseDeepLink(link);
  if ('refused' in meaning) {
    expect(parsed.ok ? 'accepted' : parsed.refusal.rule).toBe(meaning.refused);
    return;
  }
  if (!parsed.ok) throw new Error(`refused: ${parsed.refusal.message}`);
  expect(parsed.request).toMatchObject(meaning);
}

describe('buildDeepLink then parseDeepLink, for every documented case', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_, c) => {
    expectMeaning(buildDeepLink(c.request, c.redirect, null), c.meaning);
    expectMeaning(wrapped(c.request, c.redirect), c.meaning);
  });

  it('refuses case 4 as a deep link saying the key must stay on this computer', () => {
    const parsed = parseDeepLink(
      buildDeepLink(
        CASES[3]?.request ?? { server: BASE },
        'http://gozo.com',
        'st',
      ),
    );
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.refusal.message).toBe(
      'The redirect must be on this computer, spelled exactly 127.0.0.1 or ' +
        '[::1]; other hosts and other spellings of loopback are refused.',
    );
    // The state is still read, so the refusal could be answered.
    expect(parsed.refusal.state).toBe('st');
  });

  it('puts the server base in every deep link, so the request names its server', () => {
    for (const c of CASES.filter((x) => !('refused' in x.meaning))) {
      const parsed = parseDeepLink(buildDeepLink(c.request, null, null));
      expect(parsed.ok && parsed.request.server).toBe(
        new URL(c.request.server).href.replace(/\/?$/, '/'),
      );
    }
  });
});
