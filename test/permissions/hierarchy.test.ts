import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CATALOGUE,
  expandPermissions,
  grants,
  grantsAll,
  impliedPolicies,
} from '../../src/permissions';

const S = 'btcpay.store.';
// The direct edges of BTCPay v2.4.1's hierarchy, written out from the
// behaviour notes independently of the catalogue, so the two check each other.
const DOCUMENTED_EDGES: Record<string, string[]> = {
  unrestricted: [
    'btcpay.server.canmodifyserversettings',
    'btcpay.server.canviewusers',
    `${S}canmodifystoresettings`,
    'btcpay.user.canmodifyprofile',
    'btcpay.user.candeleteuser',
    'btcpay.user.canmanagenotificationsforuser',
    'btcpay.impersonation.canimpersonate',
  ],
  'btcpay.server.canmodifyserversettings': [
    'btcpay.server.canuseinternallightningnode',
    'btcpay.server.canmanageusers',
  ],
  'btcpay.server.canmanageusers': ['btcpay.server.cancreateuser'],
  'btcpay.server.canuseinternallightningnode': [
    'btcpay.server.cancreatelightninginvoiceinternalnode',
    'btcpay.server.canviewlightninginvoiceinternalnode',
  ],
  [`${S}canmodifystoresettings`]: [
    'canmanagepullpayments',
    'canmodifyinvoices',
    'canviewstoresettings',
    'webhooks.canmodifywebhooks',
    'canmodifypaymentrequests',
    'canmanagepayouts',
    'canuselightningnode',
    'cansendstoreemails',
    'canmanagewallets',
    'canmodifyofferings',
  ].map((p) => S + p),
  [`${S}canviewstoresettings`]: [
    'canviewinvoices',
    'canviewpaymentrequests',
    'canviewreports',
    'canviewpullpayments',
    'canviewpayouts',
  ].map((p) => S + p),
  [`${S}canmodifyinvoices`]: [
    'canviewinvoices',
    'cancreateinvoice',
    'cancreatelightninginvoice',
  ].map((p) => S + p),
  [`${S}canuselightningnode`]: [
    'canviewlightninginvoice',
    'cancreatelightninginvoice',
  ].map((p) => S + p),
  [`${S}cancreatelightninginvoice`]: [`${S}canviewlightninginvoice`],
  [`${S}canmodifypaymentrequests`]: [`${S}canviewpaymentrequests`],
  [`${S}canmanagepullpayments`]: [
    `${S}cancreatepullpayments`,
    `${S}canarchivepullpayments`,
  ],
  [`${S}cancreatepullpayments`]: [`${S}cancreatenonapprovedpullpayments`],
  [`${S}cancreatenonapprovedpullpayments`]: [`${S}canviewpullpayments`],
  [`${S}canmanagepayouts`]: [`${S}canviewpayouts`],
  [`${S}canmanagewallets`]: [
    `${S}canmanagewalletsettings`,
    `${S}canmanagewallettransactions`,
  ],
  [`${S}canmanagewalletsettings`]: [`${S}canviewwallet`],
  [`${S}canmanagewallettransactions`]: [
    'cancreatetransactions',
    'cansigntransactions',
    'canbroadcasttransactions',
    'cancanceltransactions',
  ].map((p) => S + p),
  [`${S}cancreatetransactions`]: [`${S}canviewwallet`],
  [`${S}cansigntransactions`]: [`${S}canviewwallet`],
  [`${S}canbroadcasttransactions`]: [`${S}canviewwallet`],
  [`${S}cancanceltransactions`]: [`${S}canviewwallet`],
  [`${S}canmodifyofferings`]: [
    'canviewofferings',
    'canmanagesubscribers',
    'cancreditsubscribers',
  ].map((p) => S + p),
  'btcpay.user.canmodifyprofile': ['btcpay.user.canviewprofile'],
  'btcpay.user.canmanagenotificationsforuser': [
    'btcpay.user.canviewnotificationsforuser',
  ],
};

const policies = CATALOGUE.map((entry) => entry.policy);

describe('the catalogue hierarchy', () => {
  it('has exactly the direct edges BTCPay v2.4.1 defines', () => {
    for (const entry of CATALOGUE) {
      expect([...entry.includes].sort(), entry.policy).toEqual(
        [...(DOCUMENTED_EDGES[entry.policy] ?? [])].sort(),
      );
    }
  });
});

describe('grants', () => {
  it('lets every policy grant itself, bare and for a store', () => {
    for (const policy of policies) {
      expect(grants([policy], policy), policy).toBe(true);
      expect(grants([`${policy}:S1`], `${policy}:S1`), policy).toBe(true);
    }
  });

  it('lets unrestricted grant every built-in policy, on any store', () => {
    for (const policy of policies) {
      expect(grants(['unrestricted'], policy), policy).toBe(true);
      expect(grants(['unrestricted'], `${policy}:S1`), policy).toBe(true);
    }
  });

  it('follows every documented edge, and each edge only downwards', () => {
    for (const [parent, children] of Object.entries(DOCUMENTED_EDGES)) {
      for (const child of children) {
        expect(grants([parent], child), `${parent} → ${child}`).toBe(true);
        expect(grants([child], parent), `${child} ↛ ${parent}`).toBe(false);
      }
    }
  });

  it('follows edges transitively', () => {
    expect(
      grants([`${S}canmodifystoresettings`], `${S}cansigntransactions`),
    ).toBe(true);
    expect(
      grants([`${S}canmanagepullpayments`], `${S}canviewpullpayments`),
    ).toBe(true);
    expect(
      grants(
        ['btcpay.server.canmodifyserversettings'],
        'btcpay.server.cancreateuser',
      ),
    ).toBe(true);
  });

  it('keeps BTCPay’s surprises: server admin cannot list users, store viewing cannot see wallets', () => {
    const admin = ['btcpay.server.canmodifyserversettings'];
    expect(grants(admin, 'btcpay.server.canviewusers')).toBe(false);
    expect(grants(admin, 'btcpay.user.candeleteuser')).toBe(false);
    const viewer = [`${S}canviewstoresettings`];
    expect(grants(viewer, `${S}canviewwallet`)).toBe(false);
    expect(grants(viewer, `${S}canviewofferings`)).toBe(false);
    const owner = [`${S}canmodifystoresettings`];
    expect(grants(owner, 'btcpay.user.canviewprofile')).toBe(false);
    expect(grants(owner, 'btcpay.server.canviewusers')).toBe(false);
  });

  it('lets an unscoped permission cover any store, a scoped one only its own', () => {
    expect(grants([`${S}canviewinvoices`], `${S}canviewinvoices:S1`)).toBe(
      true,
    );
    expect(grants([`${S}canviewinvoices:S1`], `${S}canviewinvoices:S1`)).toBe(
      true,
    );
    expect(grants([`${S}canviewinvoices:S1`], `${S}canviewinvoices:S2`)).toBe(
      false,
    );
    expect(grants([`${S}canviewinvoices:S1`], `${S}canviewinvoices`)).toBe(
      false,
    );
    expect(grants([`${S}canviewinvoices:S1`], `${S}canviewinvoices:s1`)).toBe(
      false,
    );
    expect(
      grants([`${S}canmodifystoresettings:S1`], `${S}canviewinvoices:S1`),
    ).toBe(true);
  });

  it('matches policy names whatever their case, but not store ids', () => {
    expect(
      grants(['BTCPAY.STORE.CANVIEWINVOICES'], `${S}canviewinvoices`),
    ).toBe(true);
    expect(
      grants([`${S}canviewinvoices`], 'Btcpay.Store.CanViewInvoices:S1'),
    ).toBe(true);
  });

  it('grants nothing for invalid text, and an unknown policy only itself', () => {
    expect(grants(['unrestricted'], `${S}canviewinvoices:`)).toBe(false);
    expect(grants(['unrestricted'], `${S}nosuchpolicy`)).toBe(false);
    expect(grants([`${S}nosuchpolicy`], `${S}nosuchpolicy`)).toBe(true);
    expect(grants([], `${S}canviewinvoices`)).toBe(false);
  });
});

describe('grantsAll', () => {
  it('is true only when every requested permission is covered', () => {
    const held = [`${S}canmodifyinvoices:S1`];
    expect(
      grantsAll(held, [`${S}cancreateinvoice:S1`, `${S}canviewinvoices:S1`]),
    ).toBe(true);
    expect(
      grantsAll(held, [`${S}cancreateinvoice:S1`, `${S}canviewreports:S1`]),
    ).toBe(false);
    expect(grantsAll(held, [])).toBe(true);
  });
});

describe('impliedPolicies', () => {
  it('lists everything a policy brings along, transitively', () => {
    expect(impliedPolicies(`${S}canmanagewallets`)).toEqual(
      [
        'canbroadcasttransactions',
        'cancanceltransactions',
        'cancreatetransactions',
        'canmanagewalletsettings',
        'canmanagewallettransactions',
        'cansigntransactions',
        'canviewwallet',
      ].map((p) => S + p),
    );
    expect(impliedPolicies('unrestricted')).toHaveLength(policies.length - 1);
    expect(impliedPolicies(`${S}canviewinvoices`)).toEqual([]);
  });
});

describe('expandPermissions', () => {
  it('lists each reachable policy once per store, and once when it covers all stores', () => {
    const expanded = expandPermissions([
      `${S}canmodifyinvoices:S1`,
      `${S}canmodifyinvoices:S2`,
      `${S}canviewstoresettings`,
    ]).map((permission) => permission.text);
    expect(expanded).toContain(`${S}cancreateinvoice:S1`);
    expect(expanded).toContain(`${S}cancreateinvoice:S2`);
    expect(expanded).toContain(`${S}canviewinvoices`);
    expect(expanded).not.toContain(`${S}canviewinvoices:S1`);
    expect(expanded).toContain(`${S}canviewreports`);
    expect(expanded).not.toContain(`${S}canviewwallet`);
  });

  it('gives unrestricted every built-in policy', () => {
    const expanded = expandPermissions(['unrestricted']);
    expect(expanded.map((p) => p.policy).sort()).toEqual([...policies].sort());
    expect(expanded.every((p) => p.scope === null)).toBe(true);
  });

  it('agrees with grants for any set of held permissions', () => {
    const permission = fc
      .tuple(fc.constantFrom(...policies), fc.constantFrom(null, 'S1', 'S2'))
      .map(([policy, scope]) => (scope ? `${policy}:${scope}` : policy));
    fc.assert(
      fc.property(
        fc.array(permission, { maxLength: 5 }),
        permission,
        (held, asked) => {
          const allowed = expandPermissions(held);
          for (const entry of allowed)
            expect(grants(held, entry.text)).toBe(true);
          const listed = allowed.some(
            (entry) =>
              entry.text === asked ||
              (entry.scope === null && asked.startsWith(`${entry.policy}:`)),
          );
          expect(grants(held, asked)).toBe(listed);
        },
      ),
      { numRuns: 500 },
    );
  });
});
