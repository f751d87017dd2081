import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CATALOGUE,
  createPermissionModel,
  policyKind,
  RISK_CLASSES,
  RISK_LABELS,
  riskClasses,
  type RiskClass,
} from '../../src/permissions';

const S = 'btcpay.store.';

describe('riskClasses', () => {
  it('marks unrestricted as everything, on all stores', () => {
    expect(riskClasses(['unrestricted'])).toEqual([
      'unrestricted',
      'server-admin',
      'moves-funds',
      'changes-settings',
      'all-stores',
    ]);
  });

  it('marks signing, broadcasting, payouts, pull payments and Lightning spending as moving funds', () => {
    for (const policy of [
      `${S}cansigntransactions:S1`,
      `${S}canbroadcasttransactions:S1`,
      `${S}canmanagepayouts:S1`,
      `${S}canmanagepullpayments:S1`,
      `${S}cancreatepullpayments:S1`,
      `${S}canuselightningnode:S1`,
      'btcpay.server.canuseinternallightningnode',
      `${S}canmanagewallettransactions:S1`,
      `${S}canmodifystoresettings:S1`,
    ]) {
      expect(riskClasses([policy]), policy).toContain('moves-funds');
    }
  });

  it('does not count receiving or drafting as moving funds', () => {
    for (const policy of [
      `${S}cancreateinvoice:S1`,
      `${S}cancreatelightninginvoice:S1`,
      `${S}cancreatetransactions:S1`,
      'btcpay.server.cancreatelightninginvoiceinternalnode',
    ]) {
      expect(riskClasses([policy]), policy).not.toContain('moves-funds');
    }
  });

  it('marks every server permission as server administration', () => {
    for (const entry of CATALOGUE.filter((e) => e.kind === 'server')) {
      expect(riskClasses([entry.policy]), entry.policy).toContain(
        'server-admin',
      );
    }
  });

  it('marks an unscoped store permission as reaching all stores, a scoped one not', () => {
    expect(riskClasses([`${S}canviewinvoices`])).toEqual([
      'all-stores',
      'read-only',
    ]);
    expect(riskClasses([`${S}canviewinvoices:S1`])).toEqual(['read-only']);
    expect(riskClasses(['btcpay.user.canviewprofile'])).toEqual(['read-only']);
  });

  it('calls a set read-only only when everything it reaches just views', () => {
    expect(
      riskClasses([`${S}canviewstoresettings:S1`, `${S}canviewwallet:S1`]),
    ).toEqual(['read-only']);
    expect(
      riskClasses([`${S}canviewinvoices:S1`, `${S}cancreateinvoice:S1`]),
    ).toEqual([]);
    expect(riskClasses([`${S}canmodifyinvoices:S1`])).toEqual([
      'changes-settings',
    ]);
    expect(riskClasses([])).toEqual([]);
  });

  it('never calls a key read-only when the built-in list cannot tell what one of its policies allows', () => {
    // A third-party plugin can define btcpay.plugin.* policies on 2.3.6+.
    const plugin = 'btcpay.plugin.store.payouts.canmovefunds:S1';
    expect(riskClasses([plugin, `${S}canviewinvoices:S1`])).toEqual([
      'unknown-effect',
    ]);
    expect(riskClasses([`${S}nosuchpolicy`])).toEqual(['unknown-effect']);
  });

  it('ignores a policy the server’s own list lacks: there it grants nothing', () => {
    const server = createPermissionModel([
      { name: `${S}canviewinvoices`, included: [] },
    ]);
    expect(
      riskClasses([`${S}nosuchpolicy`, `${S}canviewinvoices:S1`], server),
    ).toEqual(['read-only']);
  });

  it('adds no unknown effect to an unrestricted key, which already has them all', () => {
    expect(riskClasses(['unrestricted', `${S}nosuchpolicy`])).not.toContain(
      'unknown-effect',
    );
  });

  it('ignores text that is not a permission: BTCPay refuses to store it', () => {
    expect(riskClasses(['not a permission'])).toEqual([]);
  });

  it('names each class for a merchant', () => {
    for (const risk of RISK_CLASSES) {
      expect(RISK_LABELS[risk].name.length).toBeGreaterThan(3);
      expect(RISK_LABELS[risk].explanation.length).toBeGreaterThan(20);
    }
  });
});

// What each v2.4.1 policy lets a key do, counting what it includes, written
// from BTCPay's own descriptions of the policies and their hierarchy rather
// than from the catalogue: U unrestricted, A server administration (server
// policies only work for admins; impersonating others needs an admin too),
// F moves funds (signs or broadcasts, pays out, creates pull payments, spends
// over Lightning), S changes settings or existing data, R only looks. An empty
// entry writes something harmless (a new invoice, a draft, an email).
const EFFECT: Record<string, string> = {
  unrestricted: 'UAFS',
  'btcpay.impersonation.canimpersonate': 'A',
  'btcpay.user.canviewprofile': 'R',
  'btcpay.user.canmodifyprofile': 'S',
  'btcpay.user.candeleteuser': 'S',
  'btcpay.user.canviewnotificationsforuser': 'R',
  'btcpay.user.canmanagenotificationsforuser': 'S',
  // Includes the internal Lightning node (spends) and user management.
  'btcpay.server.canmodifyserversettings': 'AFS',
  'btcpay.server.canmanageusers': 'AS',
  'btcpay.server.cancreateuser': 'AS',
  'btcpay.server.canviewusers': 'AR',
  'btcpay.server.canuseinternallightningnode': 'AF',
  'btcpay.server.cancreatelightninginvoiceinternalnode': 'A',
  'btcpay.server.canviewlightninginvoiceinternalnode': 'AR',
  // Holds payouts, pull payments, Lightning and the wallets below it.
  'btcpay.store.canmodifystoresettings': 'FS',
  'btcpay.store.canviewstoresettings': 'R',
  'btcpay.store.canviewinvoices': 'R',
  'btcpay.store.cancreateinvoice': '',
  'btcpay.store.canmodifyinvoices': 'S',
  'btcpay.store.webhooks.canmodifywebhooks': 'S',
  'btcpay.store.cansendstoreemails': '',
  'btcpay.store.canviewreports': 'R',
  'btcpay.store.canviewpaymentrequests': 'R',
  'btcpay.store.canmodifypaymentrequests': 'S',
  'btcpay.store.canuselightningnode': 'F',
  'btcpay.store.canviewlightninginvoice': 'R',
  'btcpay.store.cancreatelightninginvoice': '',
  // Creates and archives (deletes) pull payments.
  'btcpay.store.canmanagepullpayments': 'FS',
  'btcpay.store.cancreatepullpayments': 'F',
  'btcpay.store.cancreatenonapprovedpullpayments': 'F',
  'btcpay.store.canarchivepullpayments': 'S',
  'btcpay.store.canviewpullpayments': 'R',
  'btcpay.store.canmanagepayouts': 'F',
  'btcpay.store.canviewpayouts': 'R',
  'btcpay.store.canmanagewallets': 'FS',
  'btcpay.store.canmanagewalletsettings': 'S',
  // Signs, broadcasts and cancels.
  'btcpay.store.canmanagewallettransactions': 'FS',
  'btcpay.store.canviewwallet': 'R',
  'btcpay.store.cancreatetransactions': '',
  'btcpay.store.cansigntransactions': 'F',
  'btcpay.store.canbroadcasttransactions': 'F',
  'btcpay.store.cancanceltransactions': 'S',
  'btcpay.store.canviewofferings': 'R',
  'btcpay.store.canmodifyofferings': 'S',
  'btcpay.store.canmanagesubscribers': 'S',
  'btcpay.store.cancreditsubscribers': 'S',
};

const FLAG_CLASSES: [string, RiskClass][] = [
  ['U', 'unrestricted'],
  ['A', 'server-admin'],
  ['F', 'moves-funds'],
  ['S', 'changes-settings'],
  ['R', 'read-only'],
];

/** The classes a table entry promises, in the order riskClasses lists them. */
function expectedClasses(flags: string, allStores: boolean): RiskClass[] {
  const classes = FLAG_CLASSES.filter(([flag]) => flags.includes(flag)).map(
    ([, risk]) => risk,
  );
  if (allStores) classes.push('all-stores');
  return RISK_CLASSES.filter((risk) => classes.includes(risk));
}

const sharedListPath = path.resolve(
  import.meta.dirname,
  '../../../shared/greenfield/permissions-v2.4.1.json',
);

describe('the risk of every policy', () => {
  it('has an expectation for each policy BTCPay v2.4.1 defines', () => {
    const expected = Object.keys(EFFECT).sort();
    expect(CATALOGUE.map((entry) => entry.policy).sort()).toEqual(expected);
    if (!existsSync(sharedListPath)) {
      console.log(
        `risk.test: ${sharedListPath} is absent; compared with the catalogue only.`,
      );
      return;
    }
    const shared = JSON.parse(readFileSync(sharedListPath, 'utf8')) as {
      policies: { policy: string }[];
    };
    expect(shared.policies.map((entry) => entry.policy).sort()).toEqual(
      expected,
    );
  });

  it.each(Object.entries(EFFECT))(
    'classes %s on one store as the table says',
    (policy, flags) => {
      const kind = policyKind(policy);
      const held = kind === 'store' ? `${policy}:S1` : policy;
      expect(riskClasses([held])).toEqual(
        expectedClasses(flags, policy === 'unrestricted'),
      );
    },
  );

  it.each(
    Object.entries(EFFECT).filter(([policy]) => policyKind(policy) === 'store'),
  )('adds all stores to %s when it has no store scope', (policy, flags) => {
    expect(riskClasses([policy])).toEqual(expectedClasses(flags, true));
  });
});
