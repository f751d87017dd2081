import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CATALOGUE,
  describePermission,
  formatPermission,
  known,
  parsePermission,
  policyKind,
} from '../../src/permissions';

// Store ids as BTCPay makes them: case-sensitive base58-like strings.
const storeId = fc.stringMatching(/^[1-9A-HJ-NP-Za-km-z]{8,44}$/);
const wellFormedPolicy = fc.oneof(
  fc.constantFrom(...CATALOGUE.map((entry) => entry.policy)),
  fc.stringMatching(/^btcpay(\.[a-z0-9]{1,12}){1,4}$/),
);

describe('parsePermission', () => {
  it('reads every catalogue policy, bare and scoped, and writes it back the same', () => {
    for (const { policy } of CATALOGUE) {
      for (const text of [policy, `${policy}:7Xq9Lm3Pz`]) {
        const parsed = parsePermission(text);
        expect(parsed.ok, text).toBe(true);
        if (!parsed.ok) continue;
        expect(parsed.permission.policy).toBe(policy);
        expect(formatPermission(parsed.permission)).toBe(text);
        expect(parsed.permission.text).toBe(text);
      }
    }
  });

  it('lower-cases the policy and keeps the store id exactly as written', () => {
    const parsed = parsePermission('  BTCPAY.STORE.CANVIEWINVOICES :AbCdEf12');
    expect(parsed).toEqual({
      ok: true,
      permission: {
        policy: 'btcpay.store.canviewinvoices',
        scope: 'AbCdEf12',
        text: 'btcpay.store.canviewinvoices:AbCdEf12',
      },
    });
  });

  it('accepts BTCPAY.STORE.CANVIEWINVOICES as the known permission', () => {
    const parsed = parsePermission('BTCPAY.STORE.CANVIEWINVOICES');
    expect(parsed.ok && parsed.permission.policy).toBe(
      'btcpay.store.canviewinvoices',
    );
    expect(known('BTCPAY.STORE.CANVIEWINVOICES')).toBe(true);
  });

  it('refuses an empty scope and says how to fix it', () => {
    const parsed = parsePermission('btcpay.store.canviewinvoices:');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(/names no store/);
  });

  it('splits at the first colon, so the scope may itself hold colons', () => {
    const parsed = parsePermission('btcpay.store.canviewinvoices:a:b');
    expect(parsed.ok && parsed.permission.scope).toBe('a:b');
  });

  it('keeps a well-formed policy BTCPay does not define, marked unknown', () => {
    const parsed = parsePermission('btcpay.store.nosuchpolicy');
    expect(parsed.ok).toBe(true);
    expect(known('btcpay.store.nosuchpolicy')).toBe(false);
    const described = describePermission('btcpay.store.nosuchpolicy');
    expect(described.known).toBe(false);
    expect(described.title).toBe('Unknown permission');
  });

  it('refuses names outside BTCPay’s syntax with a reason', () => {
    for (const text of [
      '',
      ':S1',
      'store.canview',
      'btcpay.',
      'btcpay..x',
      'btcpay.store.can-view',
      'unrestricted2',
    ]) {
      const parsed = parsePermission(text);
      expect(parsed.ok, text).toBe(false);
      if (!parsed.ok) expect(parsed.reason.length, text).toBeGreaterThan(10);
    }
  });

  it('never throws, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        const parsed = parsePermission(text);
        return parsed.ok
          ? parsePermission(parsed.permission.text).ok
          : parsed.reason.length > 0;
      }),
      { numRuns: 3000 },
    );
  });

  it('reads back whatever it writes', () => {
    fc.assert(
      fc.property(
        wellFormedPolicy,
        fc.option(fc.oneof(storeId, fc.string({ minLength: 1 }))),
        (policy, scope) => {
          const text = formatPermission({ policy, scope });
          const parsed = parsePermission(text);
          expect(parsed).toEqual({
            ok: true,
            permission: { policy, scope, text },
          });
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('policyKind', () => {
  it('tells user, server and store permissions apart by prefix, plugins included', () => {
    expect(policyKind('btcpay.user.canviewprofile')).toBe('user');
    expect(policyKind('btcpay.server.canviewusers')).toBe('server');
    expect(policyKind('btcpay.store.canviewinvoices')).toBe('store');
    expect(policyKind('btcpay.plugin.store.canviewtickets')).toBe('store');
    expect(policyKind('btcpay.plugin.server.canmanageboltcards')).toBe(
      'server',
    );
    expect(policyKind('btcpay.plugin.user.canviewstuff')).toBe('user');
    expect(policyKind('btcpay.impersonation.canimpersonate')).toBeNull();
    expect(policyKind('unrestricted')).toBeNull();
    expect(policyKind('btcpay.storefront.x')).toBeNull();
  });
});
