import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CATALOGUE,
  createPermissionModel,
  diffPermissions,
} from '../../src/permissions';

const S = 'btcpay.store.';

describe('diffPermissions', () => {
  it('finds no difference when BTCPay granted exactly what was asked', () => {
    const asked = [`${S}cancreateinvoice`, `${S}canviewinvoices`];
    expect(diffPermissions(asked, [...asked].reverse())).toEqual([]);
    expect(
      diffPermissions(
        ['BTCPAY.STORE.CANVIEWINVOICES'],
        [`${S}canviewinvoices`],
      ),
    ).toEqual([]);
  });

  // Store selection on the authorize page did not do what was asked:
  // every store difference must show.
  it('shows store permissions scoped to the store the user picked', () => {
    const differences = diffPermissions(
      [`${S}cancreateinvoice`, `${S}canviewinvoices`],
      [`${S}cancreateinvoice:7Xq9`, `${S}canviewinvoices:7Xq9`],
    );
    expect(
      differences.map(({ type, requested, granted }) => ({
        type,
        requested,
        granted,
      })),
    ).toEqual([
      {
        type: 'scoped-to-store',
        requested: `${S}cancreateinvoice`,
        granted: `${S}cancreateinvoice:7Xq9`,
      },
      {
        type: 'scoped-to-store',
        requested: `${S}canviewinvoices`,
        granted: `${S}canviewinvoices:7Xq9`,
      },
    ]);
    expect(differences[0]?.explanation).toContain('store 7Xq9');
  });

  it('shows a store permission widened to every store', () => {
    const [difference, ...rest] = diffPermissions(
      [`${S}canviewinvoices:S1`],
      [`${S}canviewinvoices`],
    );
    expect(rest).toEqual([]);
    expect(difference?.type).toBe('widened-to-all-stores');
    expect(difference?.granted).toBe(`${S}canviewinvoices`);
    expect(difference?.explanation).toMatch(
      /every store, including stores created later/,
    );
  });

  it('shows a permission granted for another store than the one asked', () => {
    const differences = diffPermissions(
      [`${S}canviewinvoices:S1`],
      [`${S}canviewinvoices:S2`],
    );
    expect(differences).toHaveLength(1);
    expect(differences[0]).toMatchObject({
      type: 'scoped-to-store',
      granted: `${S}canviewinvoices:S2`,
    });
  });

  // Non-admin users got only part of the permissions they ticked.
  it('explains that server permissions need an admin account', () => {
    const differences = diffPermissions(
      ['btcpay.server.canviewusers', `${S}canviewinvoices`],
      [`${S}canviewinvoices`],
    );
    expect(differences).toEqual([
      {
        type: 'not-granted',
        requested: 'btcpay.server.canviewusers',
        explanation: expect.stringMatching(/need an admin account/),
      },
    ]);
  });

  it('explains that an unknown permission was dropped by this server version', () => {
    const [difference] = diffPermissions([`${S}nosuchpolicy`], []);
    expect(difference?.type).toBe('not-granted');
    expect(difference?.explanation).toMatch(/does not know this permission/);

    const olderServer = createPermissionModel([
      { name: `${S}canviewinvoices`, included: [] },
    ]);
    const [wallet] = diffPermissions([`${S}canviewwallet`], [], olderServer);
    expect(wallet?.explanation).toMatch(/first appeared in BTCPay 2\.4\.0/);
  });

  it('shows what was granted without being asked for', () => {
    const differences = diffPermissions(
      [`${S}canviewinvoices`],
      [`${S}canviewinvoices`, `${S}canmodifystoresettings`],
    );
    expect(differences).toEqual([
      {
        type: 'extra',
        granted: `${S}canmodifystoresettings`,
        explanation: expect.stringMatching(/without being asked/),
      },
    ]);
  });

  it('shows a request covered by a broader grant, once', () => {
    const differences = diffPermissions(
      [`${S}canviewinvoices:S1`],
      [`${S}canmodifystoresettings:S1`],
    );
    expect(differences).toEqual([
      {
        type: 'covered-by-broader',
        requested: `${S}canviewinvoices:S1`,
        granted: `${S}canmodifystoresettings:S1`,
        explanation: expect.stringMatching(/allows more than was asked/),
      },
    ]);
  });

  it('says an extra grant adds nothing when the request already includes it', () => {
    const differences = diffPermissions(
      [`${S}canmodifyinvoices`],
      [`${S}canmodifyinvoices`, `${S}canviewinvoices`],
    );
    expect(differences).toHaveLength(1);
    expect(differences[0]?.explanation).toMatch(/adds nothing/);
  });

  it('reports a requested text that is not a permission', () => {
    const [difference] = diffPermissions([`${S}canviewinvoices:`], []);
    expect(difference).toMatchObject({
      type: 'not-granted',
      requested: `${S}canviewinvoices:`,
    });
  });
});

describe('diffPermissions on any request and grant', () => {
  const permission = fc
    .tuple(
      fc.constantFrom(...CATALOGUE.map((entry) => entry.policy), `${S}nosuch`),
      fc.constantFrom(null, 'S1', 'S2'),
    )
    .map(([policy, scope]) => (scope ? `${policy}:${scope}` : policy));

  it('accounts for every permission on both sides, and finds none when they agree', () => {
    fc.assert(
      fc.property(
        fc.array(permission, { maxLength: 6 }),
        fc.array(permission, { maxLength: 6 }),
        (requested, granted) => {
          expect(diffPermissions(requested, requested)).toEqual([]);
          const differences = diffPermissions(requested, granted);
          for (const text of requested) {
            const matched =
              granted.includes(text) ||
              differences.some((d) => d.requested === text);
            expect(matched, text).toBe(true);
          }
          for (const text of granted) {
            const matched =
              requested.includes(text) ||
              differences.some((d) => d.granted === text);
            expect(matched, text).toBe(true);
          }
          for (const difference of differences) {
            expect(difference.explanation.length).toBeGreaterThan(20);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
