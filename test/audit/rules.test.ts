import { describe, expect, it } from 'vitest';
import {
  RULE_IDS,
  runAudit,
  type AuditReport,
  type RuleId,
} from '../../src/audit';
import type { EventLogVerification } from '../../src/vault/event-log';
import type { KeyRecord, ServerRecord } from '../../src/vault/schema';
import { cleanKey, daysAgo, metadataOf, NOW, server } from './fixtures';

const LOG_OK: EventLogVerification = { ok: true, count: 3 };
const LOG_BROKEN: EventLogVerification = {
  ok: false,
  count: 2,
  problem: 'changed',
  line: 2,
  message: 'The event log is damaged: line 2 was changed.',
};

/** One key per rule, each built to break exactly that rule. */
function oneOfEach(): { keys: KeyRecord[]; accounts: string[] } {
  const keys: KeyRecord[] = [
    cleanKey('k-clean'),
    cleanKey('k-unrestricted', { grantedPermissions: ['unrestricted'] }),
    cleanKey('k-admin', { grantedPermissions: ['btcpay.server.canviewusers'] }),
    cleanKey('k-funds', {
      grantedPermissions: ['btcpay.store.cancreatenonapprovedpullpayments:S1'],
    }),
    cleanKey('k-all-stores', {
      grantedPermissions: ['btcpay.store.canviewinvoices'],
    }),
    cleanKey('k-never', { lastVerification: null }),
    cleanKey('k-stale', {
      lastVerification: {
        at: daysAgo(45),
        result: 'valid',
        permissions: ['btcpay.store.canviewinvoices:Store1'],
        message: null,
      },
    }),
    cleanKey('k-drift', {
      lastVerification: {
        at: daysAgo(1),
        result: 'valid',
        permissions: ['btcpay.store.canviewinvoices:Store2'],
        message: null,
      },
    }),
    cleanKey('k-unknown', {
      lastVerification: {
        at: daysAgo(1),
        result: 'unknown-key',
        permissions: null,
        message: null,
      },
    }),
    ...['k-dup-old', 'k-dup-new'].map((id, index) =>
      cleanKey(id, {
        createdAt: daysAgo(20 - index),
        origin: {
          kind: 'authorize',
          applicationName: 'Shop plugin',
          applicationIdentifier: 'shop.plugin',
        },
      }),
    ),
    cleanKey('k-old', { createdAt: daysAgo(200) }),
    cleanKey('k-manager', {
      grantedPermissions: ['unrestricted'],
      isManager: true,
    }),
    cleanKey('k-delegated', {
      origin: {
        kind: 'delegated',
        app: { name: 'Till', identifier: 'org.till', callback: null },
        via: 'manager',
        delivery: { status: 'delivered', at: daysAgo(9), error: null },
      },
    }),
    cleanKey('k-no-secret'),
    // Revoked keys break many rules, but no key rule looks at them.
    cleanKey('k-revoked', {
      grantedPermissions: ['unrestricted'],
      createdAt: daysAgo(400),
      lastVerification: null,
      revokedAt: daysAgo(5),
    }),
    cleanKey('k-on-http', { serverId: 'srv-http' }),
  ];
  const accounts = [
    ...keys
      .filter((k) => k.revokedAt === null && k.id !== 'k-no-secret')
      .map((k) => k.id),
    // Shaped like one of our key ids, but no key has it.
    'k_leftoveraaaaaaaa',
    // Not ours to judge: not shaped like a key id.
    'some-other-entry',
  ];
  return { keys, accounts };
}

function rulesByKey(report: AuditReport): Record<string, RuleId[]> {
  const byKey: Record<string, RuleId[]> = {};
  for (const finding of report.findings) {
    const subject = finding.keyId ?? `server:${finding.serverId ?? '-'}`;
    byKey[subject] = [...(byKey[subject] ?? []), finding.rule].sort();
  }
  return byKey;
}

describe('runAudit', () => {
  it('reports each rule exactly once on the key built to break it', () => {
    const { keys, accounts } = oneOfEach();
    const report = runAudit({
      metadata: metadataOf(
        [
          server(),
          server({ id: 'srv-http', baseUrl: 'http://shop.example.com/' }),
        ],
        keys,
      ),
      eventCount: 0,
      logVerification: LOG_BROKEN,
      setAsideMetadata: ['metadata.json.unreadable-2026-05-30T08-00-00-000Z'],
      config: {},
      now: NOW,
      keychainAccounts: accounts,
    });

    expect(rulesByKey(report)).toEqual({
      'k-unrestricted': ['unrestricted'],
      'k-admin': ['server-admin'],
      'k-funds': ['moves-funds'],
      'k-all-stores': ['all-stores'],
      'k-never': ['never-verified'],
      'k-stale': ['stale-verification'],
      'k-drift': ['permission-drift'],
      'k-unknown': ['unknown-to-server'],
      'k-dup-old': ['duplicate'],
      'k-old': ['rotation-due'],
      'k-manager': ['manager-key'],
      'k-delegated': ['delegated'],
      'k-no-secret': ['secret-missing'],
      'server:srv-http': ['insecure-server'],
      'server:-': ['log-tampered', 'metadata-set-aside', 'secret-orphaned'],
    });
    const allRules = report.findings.map((f) => f.rule).sort();
    expect(allRules).toEqual([...RULE_IDS].sort());
  });

  it('reports every set-aside metadata file, even with no key left listed', () => {
    const files = [
      'metadata.json.unreadable-2026-05-31T09-15-00-000Z',
      'metadata.json.unreadable-2026-04-02T10-00-00-000Z-1',
    ];
    const audit = (config: Parameters<typeof runAudit>[0]['config']) =>
      runAudit({
        metadata: metadataOf([], []),
        eventCount: 4,
        logVerification: LOG_OK,
        setAsideMetadata: files,
        config,
        now: NOW,
      });

    const report = audit({});
    expect(report.findings).toHaveLength(2);
    const [newest] = report.findings;
    expect(newest).toMatchObject({
      rule: 'metadata-set-aside',
      severity: 'high',
      title: expect.stringContaining(files[0] as string),
      explanation: expect.stringContaining('on 2026-05-31'),
      fix: expect.stringContaining('btcpay-keys reconcile --adopt'),
    });
    expect(newest).not.toHaveProperty('keyId');

    // Configurable like every other rule.
    expect(
      audit({ severities: { 'metadata-set-aside': 'critical' } }).findings.map(
        (f) => f.severity,
      ),
    ).toEqual(['critical', 'critical']);
    expect(audit({ disabledRules: ['metadata-set-aside'] }).findings).toEqual(
      [],
    );
  });

  it('reports nothing for a clean inventory', () => {
    const keys = [
      cleanKey('k1'),
      cleanKey('k2', { label: 'Accounting export' }),
      cleanKey('k3', { serverId: 'srv-lan' }),
    ];
    const report = runAudit({
      metadata: metadataOf(
        [server(), server({ id: 'srv-lan', baseUrl: 'http://192.168.1.20/' })],
        keys,
      ),
      eventCount: 0,
      logVerification: LOG_OK,
      config: {},
      now: NOW,
      keychainAccounts: keys.map((k) => k.id),
    });

    expect(report.findings).toEqual([]);
    expect(report.summary.bySeverity).toEqual({
      info: 0,
      low: 0,
      medium: 0,
      high: 0,
      critical: 0,
    });
    expect(report.inventory.map((e) => e.keyId)).toEqual(['k1', 'k2', 'k3']);
  });

  it('leaves the keychain rules out when no listing is given', () => {
    const { keys } = oneOfEach();
    const report = runAudit({
      metadata: metadataOf([server(), server({ id: 'srv-http' })], keys),
      eventCount: 0,
      logVerification: LOG_OK,
      config: {},
      now: NOW,
    });
    const rules = report.findings.map((f) => f.rule);
    expect(rules).not.toContain('secret-missing');
    expect(rules).not.toContain('secret-orphaned');
    expect(report.config.keychainChecked).toBe(false);
  });

  it('names the revoked key whose secret is still in the keychain', () => {
    const revoked = cleanKey('k-gone', { revokedAt: daysAgo(3) });
    const report = runAudit({
      metadata: metadataOf([server()], [revoked]),
      eventCount: 0,
      logVerification: LOG_OK,
      config: {},
      now: NOW,
      keychainAccounts: ['k-gone'],
    });
    expect(report.findings).toMatchObject([
      { rule: 'secret-orphaned', keyId: 'k-gone', severity: 'low' },
    ]);
    expect(report.summary.keyCount).toBe(0);
    expect(report.summary.revokedKeyCount).toBe(1);
  });

  it('says to which app a key went, when, and that delivery failed', () => {
    const key = cleanKey('k-lost', {
      origin: {
        kind: 'delegated',
        app: { name: 'POS app', identifier: 'com.pos', callback: null },
        via: 'authorize',
        delivery: { status: 'failed', at: null, error: 'connection refused' },
      },
    });
    const report = runAudit({
      metadata: metadataOf([server()], [key]),
      eventCount: 0,
      logVerification: LOG_OK,
      config: {},
      now: NOW,
    });
    const [finding] = report.findings;
    expect(finding?.rule).toBe('delegated');
    expect(finding?.severity).toBe('low');
    expect(finding?.title).toContain('POS app');
    expect(finding?.explanation).toContain('com.pos');
    expect(finding?.explanation).toContain(daysAgo(10).slice(0, 10));
    expect(finding?.explanation).toContain('connection refused');
    expect(finding?.fix).toContain('btcpay-keys key revoke k-lost');
  });

  it('still reports a drift after the record took what the server reported', () => {
    const reported = ['btcpay.store.cancreateinvoice:Store1'];
    const key = cleanKey('k-drift', {
      grantedPermissions: reported,
      lastVerification: {
        at: daysAgo(2),
        result: 'valid',
        permissions: reported,
        message: null,
        previousPermissions: ['btcpay.store.canviewinvoices:Store1'],
      },
    });
    const report = runAudit({
      metadata: metadataOf([server()], [key]),
      eventCount: 0,
      logVerification: LOG_OK,
      config: {},
      now: NOW,
    });
    const finding = report.findings.find((f) => f.rule === 'permission-drift');
    expect(finding?.explanation).toContain(
      'btcpay.store.cancreateinvoice:Store1',
    );
    expect(finding?.explanation).toContain(
      'btcpay.store.canviewinvoices:Store1',
    );
  });

  it('lists the permissions that differ when the server disagrees', () => {
    const key = cleanKey('k-drift', {
      grantedPermissions: ['btcpay.store.canviewinvoices:Store1'],
      lastVerification: {
        at: daysAgo(2),
        result: 'valid',
        permissions: [
          'BTCPAY.STORE.CANVIEWINVOICES:Store1',
          'btcpay.store.cancreateinvoice:Store1',
        ],
        message: null,
      },
    });
    const report = runAudit({
      metadata: metadataOf([server()], [key]),
      eventCount: 0,
      logVerification: LOG_OK,
      config: {},
      now: NOW,
    });
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]?.explanation).toContain(
      'extra permissions: btcpay.store.cancreateinvoice:Store1',
    );
    expect(report.findings[0]?.explanation).not.toContain('missing');
  });
});

describe('audit settings', () => {
  const oldKey = cleanKey('k-old', {
    createdAt: daysAgo(100),
    grantedPermissions: ['btcpay.store.canviewinvoices'],
  });
  const audit = (config: Parameters<typeof runAudit>[0]['config']) =>
    runAudit({
      metadata: metadataOf([server()], [oldKey]),
      eventCount: 0,
      logVerification: LOG_OK,
      config,
      now: NOW,
    });

  it('takes the rotation age from audit.json over the vault settings', () => {
    expect(audit({}).findings.map((f) => f.rule)).toEqual(['all-stores']);
    const report = audit({ rotationDays: 90 });
    expect(report.findings.map((f) => f.rule).sort()).toEqual([
      'all-stores',
      'rotation-due',
    ]);
    expect(report.config.rotationDays).toBe(90);
  });

  it('applies severity overrides and switches rules off', () => {
    const report = audit({
      rotationDays: 90,
      severities: { 'rotation-due': 'critical' },
      disabledRules: ['all-stores'],
    });
    expect(report.findings).toMatchObject([
      { rule: 'rotation-due', severity: 'critical' },
    ]);
    expect(report.config.disabledRules).toEqual(['all-stores']);
  });

  const capabilityRulesOf = (key: KeyRecord, disabledRules: RuleId[]) =>
    runAudit({
      metadata: metadataOf([server({ managerKeyId: 'k-manager' })], [key]),
      eventCount: 0,
      logVerification: LOG_OK,
      config: { disabledRules },
      now: NOW,
    })
      .findings.map((f) => f.rule)
      .sort();

  it('still reports what an unrestricted key can do when `unrestricted` is off', () => {
    const key = cleanKey('k-root', { grantedPermissions: ['unrestricted'] });
    expect(capabilityRulesOf(key, [])).toEqual(['unrestricted']);
    expect(capabilityRulesOf(key, ['unrestricted'])).toEqual([
      'all-stores',
      'moves-funds',
      'server-admin',
    ]);
    expect(capabilityRulesOf(key, ['unrestricted', 'moves-funds'])).toEqual([
      'all-stores',
      'server-admin',
    ]);
  });

  it('falls back from `manager-key` to what the manager key can do', () => {
    const manager = cleanKey('k-manager', {
      grantedPermissions: ['unrestricted'],
      isManager: true,
    });
    expect(capabilityRulesOf(manager, [])).toEqual(['manager-key']);
    expect(capabilityRulesOf(manager, ['manager-key'])).toEqual([
      'unrestricted',
    ]);
    expect(capabilityRulesOf(manager, ['manager-key', 'unrestricted'])).toEqual(
      ['all-stores', 'moves-funds', 'server-admin'],
    );
  });
});

describe('audit summary', () => {
  it('counts findings by severity and server, and keys by risk', () => {
    const { keys, accounts } = oneOfEach();
    const report = runAudit({
      metadata: metadataOf(
        [
          server(),
          server({ id: 'srv-http', baseUrl: 'http://shop.example.com/' }),
        ],
        keys,
      ),
      eventCount: 2,
      logVerification: LOG_BROKEN,
      config: {},
      now: NOW,
      keychainAccounts: accounts,
    });
    const { summary } = report;
    const total = Object.values(summary.bySeverity).reduce((a, b) => a + b);
    expect(total).toBe(report.findings.length);
    expect(summary.bySeverity.critical).toBe(1);
    expect(summary.keyCount).toBe(keys.length - 1);
    expect(summary.serverCount).toBe(2);
    const http = summary.byServer.find((s) => s.serverId === 'srv-http');
    expect(http?.keyCount).toBe(1);
    expect(http?.findings.high).toBe(1);
    // unrestricted + manager hold everything; k-admin, k-funds add theirs.
    expect(summary.byRiskClass.unrestricted).toBe(2);
    expect(summary.byRiskClass['server-admin']).toBe(3);
    expect(summary.byRiskClass['all-stores']).toBe(3);
    expect(report.config.eventCount).toBe(2);
  });
});

describe('audit risk classes', () => {
  const PLUGIN = 'btcpay.plugin.store.payouts.canmovefunds';
  const held = [`${PLUGIN}:Store1`, 'btcpay.store.canviewinvoices:Store1'];

  function riskOfKeyOn(listed: ServerRecord['permissionListing']): string[] {
    const key = cleanKey('k-plugin', {
      grantedPermissions: held,
      lastVerification: {
        at: daysAgo(1),
        result: 'valid',
        permissions: held,
        message: null,
      },
    });
    const report = runAudit({
      metadata: metadataOf([server({ permissionListing: listed })], [key]),
      eventCount: 1,
      logVerification: LOG_OK,
      config: {},
      now: NOW,
      keychainAccounts: [key.id],
    });
    return report.inventory[0]?.riskClasses ?? [];
  }

  it('does not call a key read-only when the built-in list cannot tell what one of its policies allows', () => {
    const risks = riskOfKeyOn(undefined);
    expect(risks).toEqual(['unknown-effect']);
  });

  it('judges a plugin policy by the list the server published, as the app does', () => {
    const listed = [
      { name: PLUGIN, included: [] },
      { name: 'btcpay.store.canviewinvoices', included: [] },
    ];
    // A plugin's policy that does not just view is taken to change things.
    expect(riskOfKeyOn(listed)).toEqual(['changes-settings']);
  });

  it('counts a policy the server’s own list lacks for nothing', () => {
    const listed = [{ name: 'btcpay.store.canviewinvoices', included: [] }];
    expect(riskOfKeyOn(listed)).toEqual(['read-only']);
  });
});
