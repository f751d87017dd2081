import type { MetadataDocument, ServerRecord } from '../vault/schema';
import { resolveAuditConfig, type AuditConfig } from './config';
import { buildInventory } from './inventory';
import {
  AUDIT_REPORT_VERSION,
  RISK_CLASSES,
  RULE_IDS,
  SEVERITIES,
  type AuditReport,
  type AuditSummary,
  type Finding,
  type InventoryEntry,
  type RiskClass,
  type SeverityCounts,
} from './report-schema';
import {
  finalizeFindings,
  memoizedRiskClasses,
  type DraftFinding,
  type RuleContext,
} from './rules';
import { keyFindings } from './rules-keys';
import {
  delegatedFindings,
  duplicateFindings,
  insecureServerFindings,
  keychainFindings,
  logFindings,
  type LogVerification,
} from './rules-vault';

/** Everything the audit reads; nothing else (no network, no secrets). */
export interface AuditInputs {
  metadata: MetadataDocument;
  /** The event log entries that could be read; counted in the report. */
  events: readonly unknown[];
  logVerification: LogVerification;
  config: AuditConfig;
  now: Date;
  /** Keychain account names; only given when the user asked for it. */
  keychainAccounts?: readonly string[];
}

/**
 * Audits the stored keys. A pure function: the same inputs always give the
 * same report, and it reads neither files, the network nor the keychain.
 * Revoked keys appear in the inventory but no key rule applies to them,
 * except that a revoked key's secret left in the keychain is reported.
 */
export function runAudit(inputs: AuditInputs): AuditReport {
  const { metadata, now } = inputs;
  const config = resolveAuditConfig(inputs.config, metadata.settings);
  const serversById = new Map(metadata.servers.map((s) => [s.id, s]));
  const ctx: RuleContext = {
    now,
    config,
    serversById,
    risksOf: memoizedRiskClasses(),
  };
  const activeKeys = metadata.keys.filter((key) => key.revokedAt === null);

  const drafts: DraftFinding[] = [
    ...logFindings(inputs.logVerification),
    ...metadata.servers.flatMap(insecureServerFindings),
    ...activeKeys.flatMap((key) => [
      ...keyFindings(key, ctx),
      ...delegatedFindings(key, metadata.delegations),
    ]),
    ...duplicateFindings(activeKeys, ctx),
    ...(inputs.keychainAccounts === undefined
      ? []
      : keychainFindings(metadata.keys, inputs.keychainAccounts)),
  ];
  const findings = sortFindings(finalizeFindings(drafts, config), metadata);
  const inventory = buildInventory(metadata.keys, ctx);

  return {
    schemaVersion: AUDIT_REPORT_VERSION,
    generatedAt: now.toISOString(),
    config: {
      rotationDays: config.rotationDays,
      staleVerificationDays: config.staleVerificationDays,
      disabledRules: config.disabledRules,
      keychainChecked: inputs.keychainAccounts !== undefined,
      eventCount: inputs.events.length,
    },
    summary: summarize(findings, inventory, metadata.servers),
    findings,
    inventory,
  };
}

/** Most urgent first, then by server, key and rule, for stable output. */
function sortFindings(
  findings: Finding[],
  metadata: MetadataDocument,
): Finding[] {
  const keyOrder = new Map(metadata.keys.map((k, index) => [k.id, index]));
  const serverOrder = new Map(metadata.servers.map((s, i) => [s.id, i]));
  const rank = (f: Finding): number[] => [
    -SEVERITIES.indexOf(f.severity),
    f.serverId === undefined ? -1 : (serverOrder.get(f.serverId) ?? 1e9),
    f.keyId === undefined ? -1 : (keyOrder.get(f.keyId) ?? 1e9),
    RULE_IDS.indexOf(f.rule),
  ];
  return [...findings].sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    for (let i = 0; i < ra.length; i += 1) {
      const diff = (ra[i] ?? 0) - (rb[i] ?? 0);
      if (diff !== 0) return diff;
    }
    return 0;
  });
}

function emptyCounts(): SeverityCounts {
  return { info: 0, low: 0, medium: 0, high: 0, critical: 0 };
}

function summarize(
  findings: readonly Finding[],
  inventory: readonly InventoryEntry[],
  servers: readonly ServerRecord[],
): AuditSummary {
  const active = inventory.filter((entry) => entry.revokedAt === null);
  const bySeverity = emptyCounts();
  for (const finding of findings) bySeverity[finding.severity] += 1;

  const byRiskClass = Object.fromEntries(
    RISK_CLASSES.map((risk) => [risk, 0]),
  ) as Record<RiskClass, number>;
  for (const entry of active) {
    for (const risk of new Set(entry.riskClasses)) byRiskClass[risk] += 1;
  }

  return {
    bySeverity,
    byServer: serverSummaries(findings, active, servers),
    byRiskClass,
    keyCount: active.length,
    revokedKeyCount: inventory.length - active.length,
    serverCount: servers.length,
  };
}

/** Per server; keys naming a server the vault lacks get their own line. */
function serverSummaries(
  findings: readonly Finding[],
  active: readonly InventoryEntry[],
  servers: readonly ServerRecord[],
): AuditSummary['byServer'] {
  const known = new Set(servers.map((s) => s.id));
  const strays = [
    ...new Set(
      active.map((entry) => entry.serverId).filter((id) => !known.has(id)),
    ),
  ];
  const lines = [
    ...servers.map((s) => ({ id: s.id, url: s.baseUrl, name: s.name })),
    ...strays.map((id) => ({ id, url: null, name: '(not in the vault)' })),
  ];
  return lines.map((line) => {
    const counts = emptyCounts();
    for (const f of findings)
      if (f.serverId === line.id) counts[f.severity] += 1;
    return {
      serverId: line.id,
      serverUrl: line.url,
      name: line.name,
      keyCount: active.filter((entry) => entry.serverId === line.id).length,
      findings: counts,
    };
  });
}
