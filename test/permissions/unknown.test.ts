import { describe, expect, it } from 'vitest';
import {
  closestPolicy,
  createPermissionModel,
  describePermission,
  unknownPolicyWords,
} from '../../src/permissions';

const S = 'btcpay.store.';

describe('closestPolicy', () => {
  it('names the defined policy a typo most likely meant', () => {
    expect(closestPolicy(`${S}canviewinvoice`)).toBe(`${S}canviewinvoices`);
    expect(closestPolicy(`${S}CanViewInvoicess`)).toBe(`${S}canviewinvoices`);
  });

  it('guesses nothing for a defined policy, a far one, or a tie', () => {
    expect(closestPolicy(`${S}canviewinvoices`)).toBeNull();
    expect(closestPolicy('btcpay.plugin.somethingelse')).toBeNull();
    const model = createPermissionModel([
      { name: 'btcpay.plugin.canviewab', included: [] },
      { name: 'btcpay.plugin.canviewac', included: [] },
    ]);
    expect(closestPolicy('btcpay.plugin.canviewa', model)).toBeNull();
  });
});

describe('unknownPolicyWords', () => {
  it('says whose list lacks the policy: the server’s, or the built-in one', () => {
    const listed = createPermissionModel([
      { name: `${S}canviewinvoices`, included: [] },
    ]);
    expect(unknownPolicyWords(`${S}nosuch`, listed)).toMatch(
      /unknown to this server: it is not in the list/,
    );
    expect(unknownPolicyWords(`${S}nosuch`)).toMatch(
      /unknown to BTCPay 2\.4\.1, the newest version/,
    );
    const older = createPermissionModel(undefined, { serverVersion: '2.3.0' });
    expect(unknownPolicyWords(`${S}nosuch`, older)).toMatch(
      /unknown to BTCPay 2\.3\.0, the version this server runs/,
    );
  });
});

describe('describePermission of an undefined policy', () => {
  it('reaches nothing and carries no risk where the server’s own list lacks it', () => {
    const listed = createPermissionModel([
      { name: `${S}canmodifystoresettings`, included: [] },
    ]);
    const described = describePermission(`${S}canmodifystoresettingz`, {
      model: listed,
    });
    expect(described.known).toBe(false);
    expect(described.scopeLabel).toBe(
      'Nothing: it is not a defined permission',
    );
    expect(described.description).toContain('It allows nothing');
    expect(described.risks).toEqual([]);
    expect(described.implies).toEqual([]);
    expect(described.description).toContain(
      `Did you mean ${S}canmodifystoresettings?`,
    );
  });

  it('does not claim it allows nothing when only the built-in list lacks it', () => {
    const plugin = 'btcpay.plugin.shopify.canmodifystoresettings';
    for (const model of [
      undefined,
      createPermissionModel(undefined, { serverVersion: '2.5.0' }),
    ]) {
      const described = describePermission(plugin, model ? { model } : {});
      expect(described.known).toBe(false);
      expect(described.scopeLabel).toBe('Not known here');
      expect(described.description).not.toContain('allows nothing');
      expect(described.description).toMatch(/plugin’s or a newer server’s/);
    }
  });
});
