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
  severityOverrides,
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
  setAsideMetadataFindings,
  type LogVerification,
} from './rules-vault';

/** Everything the audit reads; nothing else (no network, no secrets). */
export interface AuditInputs {
  metadata: MetadataDocument;
  /** How many event log entries could be read; counted in the report. */
  eventCount: number;
  logVerification: LogVerification;
  /**
   * Names of metadata files the vault set aside as damaged, from the data
   * folder's listing (the files themselves are not read); none if absent.
   */
  setAsideMetadata?: readonly string[];
  config: AuditConfig;
  now: Date;
  /**
   * The key ids of this data folder's keychain entries (its namespace
   * already taken off); only given when the user asked for it.
   */
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
  const ctx: RuleContext = { now, config, serversById };
  const activeKeys = metadata.keys.filter((key) => key.revokedAt === null);

  const drafts: DraftFinding[] = [
    ...logFindings(inputs.logVerification),
    ...(inputs.setAsideMetadata ?? []).flatMap(setAsideMetadataFindings),
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
      severityOverrides: severityOverrides(config),
      keychainChecked: inputs.keychainAccounts !== undefined,
      eventCount: inputs.eventCount,
    },
    summary: summarize(findings, inventory, metadata.servers),
    findings,
    inventory,
  };
}

/**
 * Most urgent first, then by server, key and rule, for stable output. Each
 * finding gets one numeric rank before sorting: ranking inside the
 * comparison made an audit of 10,000 keys spend most of its time sorting.
 */
function sortFindings(
  findings: Finding[],
  metadata: MetadataDocument,
): Finding[] {
  const keyOrder = new Map(metadata.keys.map((k, index) => [k.id, index]));
  const serverOrder = new Map(metadata.servers.map((s, i) => [s.id, i]));
  // Places per part: "none" sorts first, "not in the vault" last.
  const serverPlaces = serverOrder.size + 2;
  const keyPlaces = keyOrder.size + 2;
  const place = (order: Map<string, number>, id: string | undefined) =>
    id === undefined ? 0 : (order.get(id) ?? order.size) + 1;
  const ranks = findings.map((f) => {
    const severity = SEVERITIES.length - 1 - SEVERITIES.indexOf(f.severity);
    const server = place(serverOrder, f.serverId);
    const key = place(keyOrder, f.keyId);
    return (
      ((severity * serverPlaces + server) * keyPlaces + key) * RULE_IDS.length +
      RULE_IDS.indexOf(f.rule)
    );
  });
  // Array sort is stable, so equal ranks keep the rules' order.
  const order = findings.map((_, index) => index);
  order.sort((a, b) => (ranks[a] ?? 0) - (ranks[b] ?? 0));
  return order.map((index) => findings[index] as Finding);
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

/**
 * Per server; keys naming a server the vault lacks get their own line.
 * Findings and keys are counted in one pass each, not once per server.
 */
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
  const counts = new Map(lines.map((line) => [line.id, emptyCounts()]));
  for (const f of findings) {
    const line = f.serverId === undefined ? undefined : counts.get(f.serverId);
    if (line) line[f.severity] += 1;
  }
  const keyCounts = new Map<string, number>();
  for (const entry of active) {
    keyCounts.set(entry.serverId, (keyCounts.get(entry.serverId) ?? 0) + 1);
  }
  return lines.map((line) => ({
    serverId: line.id,
    serverUrl: line.url,
    name: line.name,
    keyCount: keyCounts.get(line.id) ?? 0,
    findings: counts.get(line.id) ?? emptyCounts(),
  }));
}
