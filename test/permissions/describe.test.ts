import { describe, expect, it } from 'vitest';
import {
  CATALOGUE,
  describePermission,
  PRESETS,
  riskClasses,
  unknownPolicies,
} from '../../src/permissions';

const S = 'btcpay.store.';

describe('describePermission', () => {
  it('gives every catalogue policy a title, a description and a scope in words', () => {
    for (const entry of CATALOGUE) {
      const described = describePermission(entry.policy);
      expect(described.valid && described.known, entry.policy).toBe(true);
      expect(described.title).toBe(entry.title);
      expect(described.description).toBe(entry.description);
      expect(described.addedIn).toBe(entry.addedIn);
      expect(described.scopeLabel.length, entry.policy).toBeGreaterThan(3);
    }
  });

  it('names the store a permission is limited to', () => {
    const described = describePermission(`${S}canviewinvoices:7Xq9`, {
      storeNames: { '7Xq9': 'Shop' },
    });
    expect(described.scopeLabel).toBe('Store “Shop” (7Xq9)');
    expect(describePermission(`${S}canviewinvoices:Other`).scopeLabel).toBe(
      'Store Other',
    );
    expect(describePermission(`${S}canviewinvoices`).scopeLabel).toBe(
      'All stores, including future ones',
    );
  });

  it('does not take a store name from an object’s built-in properties', () => {
    const described = describePermission(`${S}canviewinvoices:toString`, {
      storeNames: {},
    });
    expect(described.scopeLabel).toBe('Store toString');
  });

  it('lists what a permission brings along, with titles, and its risks', () => {
    const described = describePermission(`${S}canmodifyinvoices:S1`);
    expect(described.implies.map((i) => i.policy)).toEqual([
      `${S}cancreateinvoice`,
      `${S}cancreatelightninginvoice`,
      `${S}canviewinvoices`,
      `${S}canviewlightninginvoice`,
    ]);
    expect(described.implies.every((i) => i.title.length > 0)).toBe(true);
    expect(described.risks).toEqual(['changes-settings']);
    expect(describePermission('unrestricted').risks).toContain('unrestricted');
  });

  it('explains an unknown policy and an invalid text instead of failing', () => {
    const unknown = describePermission('btcpay.store.nosuchpolicy');
    expect(unknown).toMatchObject({
      valid: true,
      known: false,
      kind: 'store',
      addedIn: null,
      // Judged by the built-in list alone, it may be a plugin's.
      risks: ['unknown-effect'],
    });
    expect(unknown.description).toMatch(/is unknown to BTCPay 2\.4\.1/);
    const invalid = describePermission(`${S}canviewinvoices:`);
    expect(invalid).toMatchObject({
      valid: false,
      known: false,
      title: 'Not a valid permission',
    });
    expect(invalid.description).toMatch(/names no store/);
  });
});

describe('PRESETS', () => {
  it('offers the three presets by id and name', () => {
    expect(PRESETS.map((p) => [p.id, p.name])).toEqual([
      ['create-invoices', 'Create invoices'],
      ['read-only-accounting', 'Read-only accounting'],
      ['point-of-sale', 'Point of sale'],
    ]);
  });

  it('asks only for permissions BTCPay defines, none of which moves funds or changes settings', () => {
    for (const preset of PRESETS) {
      expect(unknownPolicies(preset.permissions), preset.id).toEqual([]);
      const risks = riskClasses(preset.permissions.map((p) => `${p}:S1`));
      expect(risks, preset.id).not.toContain('moves-funds');
      expect(risks, preset.id).not.toContain('changes-settings');
    }
  });

  it('keeps accounting strictly read-only', () => {
    const accounting = PRESETS.find((p) => p.id === 'read-only-accounting');
    expect(
      riskClasses(accounting?.permissions.map((p) => `${p}:S1`) ?? []),
    ).toEqual(['read-only']);
  });
});
