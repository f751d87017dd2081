import { describe, expect, it } from 'vitest';
import {
  addedInVersion,
  CATALOGUE,
  createPermissionModel,
  describePermission,
  expandPermissions,
  grants,
  isSupportedBy,
  known,
  riskClasses,
  unknownPolicies,
  type ServerPolicyListing,
} from '../../src/permissions';

const S = 'btcpay.store.';
const TICKETS = 'btcpay.plugin.store.canmanagetickets';
const VIEW_TICKETS = 'btcpay.plugin.store.canviewtickets';

// A live server's GET /misc/permissions answer: every policy with its full
// transitive include list, here with a plugin hung under store settings.
function serverListing(): ServerPolicyListing[] {
  const listing = CATALOGUE.map((entry) => ({
    name: entry.policy,
    included: expandPermissions([entry.policy])
      .map((p) => p.policy)
      .filter((p) => p !== entry.policy),
  }));
  for (const entry of listing) {
    if (
      entry.name === 'unrestricted' ||
      entry.name === `${S}canmodifystoresettings`
    ) {
      entry.included.push(TICKETS, VIEW_TICKETS);
    }
  }
  listing.push({ name: TICKETS, included: [VIEW_TICKETS] });
  listing.push({ name: VIEW_TICKETS, included: [] });
  return listing;
}

describe('createPermissionModel', () => {
  it('adds a plugin policy a live server defines, with its place in the hierarchy', () => {
    const model = createPermissionModel(serverListing());
    expect(known(TICKETS)).toBe(false);
    expect(known(TICKETS, model)).toBe(true);
    expect(grants([TICKETS], VIEW_TICKETS, model)).toBe(true);
    expect(
      grants([`${S}canmodifystoresettings:S1`], `${TICKETS}:S1`, model),
    ).toBe(true);
    expect(grants(['unrestricted'], VIEW_TICKETS, model)).toBe(true);
    expect(grants([VIEW_TICKETS], TICKETS, model)).toBe(false);
  });

  it('describes a plugin policy honestly and guesses its risk from its name', () => {
    const model = createPermissionModel(serverListing());
    const described = describePermission(`${TICKETS}:S1`, { model });
    expect(described.known).toBe(true);
    expect(described.kind).toBe('store');
    expect(described.description).toMatch(/plugin/);
    expect(described.implies).toEqual([
      { policy: VIEW_TICKETS, title: VIEW_TICKETS },
    ]);
    expect(riskClasses([`${VIEW_TICKETS}:S1`], model)).toEqual(['read-only']);
    expect(riskClasses([`${TICKETS}:S1`], model)).toEqual(['changes-settings']);
  });

  it('hangs a plugin policy that has no parent under unrestricted', () => {
    const model = createPermissionModel([
      { name: 'btcpay.plugin.server.canrunthings', included: [] },
    ]);
    expect(
      grants(['unrestricted'], 'btcpay.plugin.server.canrunthings', model),
    ).toBe(true);
    expect(riskClasses(['btcpay.plugin.server.canrunthings'], model)).toContain(
      'server-admin',
    );
  });

  it('skips names in the answer that are not permissions', () => {
    const model = createPermissionModel([
      { name: 'Not A Policy!', included: ['also bad'] },
      { name: 'BTCPAY.PLUGIN.STORE.CANDOIT', included: ['??'] },
    ]);
    expect(known('btcpay.plugin.store.candoit', model)).toBe(true);
    expect(model.definitions.has('not a policy!')).toBe(false);
    expect(model.definitions.has('??')).toBe(false);
  });
});

describe('unknownPolicies', () => {
  it('names the requested permissions the catalogue lacks, and malformed ones', () => {
    expect(
      unknownPolicies([
        `${S}canviewinvoices`,
        `${S}nosuchpolicy`,
        `${S}canviewinvoices:`,
        'BTCPAY.STORE.CANVIEWINVOICES',
      ]),
    ).toEqual([`${S}nosuchpolicy`, `${S}canviewinvoices:`]);
  });

  it('follows the server’s own list when it has one', () => {
    const olderServer = createPermissionModel([
      { name: `${S}canviewinvoices`, included: [] },
    ]);
    expect(
      unknownPolicies(
        [`${S}canviewinvoices`, `${S}canviewwallet:S1`],
        olderServer,
      ),
    ).toEqual([`${S}canviewwallet:S1`]);
    expect(
      unknownPolicies([TICKETS], createPermissionModel(serverListing())),
    ).toEqual([]);
  });

  it('follows the server’s version when only that is known', () => {
    const model = createPermissionModel(undefined, { serverVersion: '2.3.5' });
    expect(
      unknownPolicies(
        [`${S}canviewofferings`, `${S}cansendstoreemails`, `${S}canviewwallet`],
        model,
      ),
    ).toEqual([`${S}cansendstoreemails`, `${S}canviewwallet`]);
  });
});

describe('addedInVersion and isSupportedBy', () => {
  it('knows when each policy appeared', () => {
    expect(addedInVersion(`${S}canviewwallet`)).toBe('2.4.0');
    expect(addedInVersion(`${S}cansendstoreemails`)).toBe('2.4.0');
    expect(addedInVersion(`${S}canmodifyofferings`)).toBe('2.3.0');
    expect(addedInVersion('BTCPAY.STORE.CANVIEWINVOICES')).toBe('1.0.5.6');
    expect(addedInVersion(`${S}nosuchpolicy`)).toBeNull();
  });

  it('dates every policy by BTCPay’s release history', () => {
    // Wallets and store emails came with 2.4.0, offerings and subscribers
    // with 2.3.0, impersonation with 2.3.8; the rest of v2.4.1's list was
    // already there before 2.0.
    const later: Record<string, [string, string]> = {
      'btcpay.impersonation.canimpersonate': ['2.3.8', '2.3.7'],
      ...Object.fromEntries(
        [
          'cansendstoreemails',
          'canmanagewallets',
          'canmanagewalletsettings',
          'canmanagewallettransactions',
          'canviewwallet',
          'cancreatetransactions',
          'cansigntransactions',
          'canbroadcasttransactions',
          'cancanceltransactions',
        ].map((name) => [`${S}${name}`, ['2.4.0', '2.3.9']]),
      ),
      ...Object.fromEntries(
        [
          'canviewofferings',
          'canmodifyofferings',
          'canmanagesubscribers',
          'cancreditsubscribers',
        ].map((name) => [`${S}${name}`, ['2.3.0', '2.2.1']]),
      ),
    };
    expect(Object.keys(later)).toHaveLength(14);
    for (const { policy } of CATALOGUE) {
      const added = later[policy];
      if (added) {
        expect(addedInVersion(policy), policy).toBe(added[0]);
        expect(isSupportedBy(policy, added[1]), policy).toBe(false);
      } else {
        expect(isSupportedBy(policy, '1.13.0'), policy).toBe(true);
      }
    }
  });

  it('compares server versions however BTCPay spells them', () => {
    expect(isSupportedBy(`${S}canviewwallet`, '2.4.1')).toBe(true);
    expect(isSupportedBy(`${S}canviewwallet`, '2.4.0.0')).toBe(true);
    expect(isSupportedBy(`${S}canviewwallet`, 'v2.3.9')).toBe(false);
    expect(isSupportedBy(`${S}canviewwallet`, '2.10.0')).toBe(true);
    expect(isSupportedBy(`${S}canviewinvoices`, '1.0.5.6')).toBe(true);
    expect(isSupportedBy(`${S}canviewinvoices`, '1.0.5.5')).toBe(false);
    expect(isSupportedBy(`${S}canviewinvoices`, 'not a version')).toBe(false);
    expect(isSupportedBy(`${S}nosuchpolicy`, '9.9.9')).toBe(false);
  });

  it('counts a plugin policy as supported by the server that named it', () => {
    const model = createPermissionModel(serverListing());
    expect(isSupportedBy(TICKETS, '2.4.1', model)).toBe(true);
    expect(isSupportedBy(TICKETS, '2.4.1')).toBe(false);
  });
});
