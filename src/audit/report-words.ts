import { RISK_LABELS } from '../permissions';
import type {
  AppliedConfig,
  AuditReport,
  InventoryEntry,
  RiskClass,
  SeverityCounts,
} from './report-schema';
import { SEVERITIES } from './report-schema';

/**
 * Phrases shared by the human-readable reports, so the terminal, CSV and
 * Markdown say the same thing the same way.
 */

/** Each risk class by the name the rest of the app shows for it. */
export const RISK_CLASS_WORDS: Record<RiskClass, string> = Object.fromEntries(
  Object.entries(RISK_LABELS).map(([risk, label]) => [risk, label.name]),
) as Record<RiskClass, string>;

/** "Can create invoices (store S1)" style list of a key's permissions. */
export function permissionsInWords(entry: InventoryEntry): string[] {
  return entry.permissions.map((p) =>
    p.scope === '' ? p.title : `${p.title} (${p.scope})`,
  );
}

/** The risk classes of a key as one phrase. */
export function risksInWords(entry: InventoryEntry): string {
  return entry.riskClasses.map((risk) => RISK_CLASS_WORDS[risk]).join(', ');
}

/** When and how the key was last checked, or that it never was. */
export function lastCheckInWords(entry: InventoryEntry): string {
  const check = entry.lastVerification;
  return check === null ? 'never' : `${check.at.slice(0, 10)} ${check.result}`;
}

/** "1 critical, 2 high, ..." from the most urgent down. */
export function countsInWords(counts: SeverityCounts): string {
  return [...SEVERITIES]
    .reverse()
    .map((severity) => `${counts[severity]} ${severity}`)
    .join(', ');
}

/**
 * What the report was made with, as label and value: the thresholds, the
 * rules switched off and every severity changed in audit.json. Each format
 * shows all of it, so a check switched off or downgraded is never silent.
 */
export function settingsInWords(config: AppliedConfig): [string, string][] {
  const overrides = config.severityOverrides.map((o) =>
    o.severity === o.defaultSeverity
      ? `${o.rule}: ${o.severity} (set, same as the default)`
      : `${o.rule}: ${o.severity} instead of ${o.defaultSeverity}`,
  );
  return [
    ['Rotation due at', `${config.rotationDays} days old`],
    [
      'Verification stale after',
      `${config.staleVerificationDays} days without a check`,
    ],
    ['Disabled rules', config.disabledRules.join(', ') || 'none'],
    ['Severity overrides', overrides.join(', ') || 'none'],
  ];
}

const inventoryIndex = new WeakMap<AuditReport, Map<string, InventoryEntry>>();

/** The inventory entry of `keyId`, found in constant time. */
export function inventoryEntryOf(
  report: AuditReport,
  keyId: string | undefined,
): InventoryEntry | undefined {
  if (keyId === undefined) return undefined;
  let index = inventoryIndex.get(report);
  if (index === undefined) {
    index = new Map(report.inventory.map((entry) => [entry.keyId, entry]));
    inventoryIndex.set(report, index);
  }
  return index.get(keyId);
}

/** The label and key id a finding is about, or its server, or "all". */
export function subjectOf(
  report: AuditReport,
  finding: AuditReport['findings'][number],
): string {
  if (finding.keyId !== undefined) {
    const entry = inventoryEntryOf(report, finding.keyId);
    return entry === undefined || entry.label === ''
      ? finding.keyId
      : `${entry.label} (${finding.keyId})`;
  }
  if (finding.serverId !== undefined) {
    const server = report.summary.byServer.find(
      (s) => s.serverId === finding.serverId,
    );
    return server?.serverUrl ?? finding.serverId;
  }
  return 'whole vault';
}

/** A count with its noun, singular for one: "1 server", "2 servers". */
export function counted(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
