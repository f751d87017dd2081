import { describe, expect, it } from 'vitest';
import {
  CATALOGUE,
  RISK_CLASSES,
  RISK_LABELS,
  riskClasses,
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

  it('ignores permissions that grant nothing', () => {
    expect(riskClasses([`${S}nosuchpolicy`, `${S}canviewinvoices:S1`])).toEqual(
      ['read-only'],
    );
    expect(riskClasses(['not a permission'])).toEqual([]);
  });

  it('carries each policy’s own risks, and names each class for a merchant', () => {
    for (const entry of CATALOGUE) {
      const classes = riskClasses([`${entry.policy}:S1`]);
      for (const risk of entry.risk.filter((r) => r !== 'read-only')) {
        expect(classes, entry.policy).toContain(risk);
      }
    }
    for (const risk of RISK_CLASSES) {
      expect(RISK_LABELS[risk].name.length).toBeGreaterThan(3);
    }
  });
});
