import { z } from 'zod';
import { RISK_CLASSES } from '../permissions/risk';

/**
 * The shape of an audit report, version 2. The JSON report is exactly this
 * object, so scheduled checks and spreadsheets can rely on its fields
 * (docs/audit.md describes each one).
 */

/**
 * Bumped whenever the shape changes. The published schema refuses unknown
 * fields and rule ids, so even an added field or rule would fail a check
 * written against the previous version. Version 2 added
 * `config.severityOverrides` and the `metadata-set-aside` rule.
 */
export const AUDIT_REPORT_VERSION = 2;

/** Severities from least to most urgent; the order drives `--fail-on`. */
export const SEVERITIES = [
  'info',
  'low',
  'medium',
  'high',
  'critical',
] as const;
export const Severity = z.enum(SEVERITIES);
export type Severity = z.infer<typeof Severity>;

/** Every rule the audit knows, by its stable id. */
export const RULE_IDS = [
  'unrestricted',
  'server-admin',
  'moves-funds',
  'all-stores',
  'never-verified',
  'stale-verification',
  'permission-drift',
  'unknown-to-server',
  'duplicate',
  'rotation-due',
  'manager-key',
  'delegated',
  'insecure-server',
  'log-tampered',
  'metadata-set-aside',
  'secret-missing',
  'secret-orphaned',
] as const;
export const RuleId = z.enum(RULE_IDS);
export type RuleId = z.infer<typeof RuleId>;

/** The risk classes a key's permissions fall into, worst first. */
export { RISK_CLASSES };
export const RiskClass = z.enum(RISK_CLASSES);
export type RiskClass = z.infer<typeof RiskClass>;

/** One thing the audit wants a person to look at. */
export const Finding = z.object({
  rule: RuleId,
  severity: Severity,
  keyId: z.string().optional(),
  serverId: z.string().optional(),
  title: z.string(),
  explanation: z.string(),
  fix: z.string(),
});
export type Finding = z.infer<typeof Finding>;

const severityCounts = z.object({
  info: z.number().int().nonnegative(),
  low: z.number().int().nonnegative(),
  medium: z.number().int().nonnegative(),
  high: z.number().int().nonnegative(),
  critical: z.number().int().nonnegative(),
});
export type SeverityCounts = z.infer<typeof severityCounts>;

/** A permission as a person reads it: its title and where it applies. */
export const PermissionInWords = z.object({
  permission: z.string(),
  title: z.string(),
  scope: z.string(),
});
export type PermissionInWords = z.infer<typeof PermissionInWords>;

/** One stored key, described without its secret. */
export const InventoryEntry = z.object({
  keyId: z.string(),
  serverId: z.string(),
  /** Null when the metadata names a server it does not describe. */
  serverUrl: z.string().nullable(),
  label: z.string(),
  fingerprint: z.string(),
  origin: z.string(),
  permissions: z.array(PermissionInWords),
  riskClasses: z.array(RiskClass),
  isManager: z.boolean(),
  createdAt: z.string(),
  ageDays: z.number().int(),
  lastVerification: z.object({ at: z.string(), result: z.string() }).nullable(),
  revokedAt: z.string().nullable(),
});
export type InventoryEntry = z.infer<typeof InventoryEntry>;

/** Findings and keys counted per server. */
export const ServerSummary = z.object({
  serverId: z.string(),
  serverUrl: z.string().nullable(),
  name: z.string(),
  keyCount: z.number().int().nonnegative(),
  findings: severityCounts,
});
export type ServerSummary = z.infer<typeof ServerSummary>;

export const AuditSummary = z.object({
  bySeverity: severityCounts,
  byServer: z.array(ServerSummary),
  /** Active (not revoked) keys holding each risk class. */
  byRiskClass: z.record(RiskClass, z.number().int().nonnegative()),
  /** Active keys; revoked keys are listed in the inventory but not counted. */
  keyCount: z.number().int().nonnegative(),
  revokedKeyCount: z.number().int().nonnegative(),
  serverCount: z.number().int().nonnegative(),
});
export type AuditSummary = z.infer<typeof AuditSummary>;

/** A rule whose severity audit.json changed, and what it would have been. */
export const SeverityOverride = z.object({
  rule: RuleId,
  severity: Severity,
  defaultSeverity: Severity,
});
export type SeverityOverride = z.infer<typeof SeverityOverride>;

/** The thresholds the report was made with, so a reader can judge it. */
export const AppliedConfig = z.object({
  rotationDays: z.number().int().positive(),
  staleVerificationDays: z.number().int().positive(),
  disabledRules: z.array(RuleId),
  /** Every severity set in audit.json, even one equal to the default. */
  severityOverrides: z.array(SeverityOverride),
  keychainChecked: z.boolean(),
  eventCount: z.number().int().nonnegative(),
});
export type AppliedConfig = z.infer<typeof AppliedConfig>;

export const AuditReport = z.object({
  schemaVersion: z.literal(AUDIT_REPORT_VERSION),
  generatedAt: z.string().datetime({ offset: true }),
  config: AppliedConfig,
  summary: AuditSummary,
  findings: z.array(Finding),
  inventory: z.array(InventoryEntry),
});
export type AuditReport = z.infer<typeof AuditReport>;

/**
 * The JSON Schema of the report, for tools outside TypeScript: what
 * `btcpay-keys audit --schema` prints and docs/audit-report.schema.json holds.
 */
export function auditReportJsonSchema(): Record<string, unknown> {
  const { $schema, ...rest } = z.toJSONSchema(AuditReport, {
    target: 'draft-2020-12',
  });
  return {
    $schema,
    title: `BTCPay Key Manager audit report, schema version ${AUDIT_REPORT_VERSION}`,
    description:
      'What `btcpay-keys audit --json` writes. docs/audit.md explains each field.',
    ...rest,
  };
}

/** True when `severity` is at or above `threshold`. */
export function atOrAbove(severity: Severity, threshold: Severity): boolean {
  return SEVERITIES.indexOf(severity) >= SEVERITIES.indexOf(threshold);
}
