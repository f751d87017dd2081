import type { AuditReport } from './report-schema';
import { SEVERITIES, type AppliedConfig } from './report-schema';
import {
  inventoryEntryOf,
  lastCheckInWords,
  permissionsInWords,
  risksInWords,
} from './report-words';

/**
 * The report as one CSV table for spreadsheets. The `record` column says
 * what a row is: a `config` setting the audit ran with, a `summary` count,
 * a `finding`, or a `key` of the inventory; columns that do not apply to a
 * row are empty.
 */

/** Column order of the CSV report (documented in docs/audit.md). */
export const CSV_COLUMNS = [
  'record',
  'severity',
  'rule',
  'key_id',
  'server_id',
  'server_url',
  'label',
  'title',
  'explanation',
  'fix',
  'fingerprint',
  'origin',
  'permissions',
  'risks',
  'created_at',
  'age_days',
  'last_check',
  'revoked_at',
  'group',
  'name',
  'count',
] as const;
type CsvColumn = (typeof CSV_COLUMNS)[number];
type CsvRow = Partial<Record<CsvColumn, string | number>>;

/** Renders the report as RFC 4180 CSV with CRLF line ends. */
export function renderCsvReport(report: AuditReport): string {
  const rows: CsvRow[] = [
    ...configRows(report.config),
    ...summaryRows(report),
    ...findingRows(report),
    ...keyRows(report),
  ];
  const lines = [
    CSV_COLUMNS.map(csvCell).join(','),
    ...rows.map((row) =>
      CSV_COLUMNS.map((column) => csvCell(row[column] ?? '')).join(','),
    ),
  ];
  return `${lines.join('\r\n')}\r\n`;
}

/** Thresholds, keychain use, disabled rules and severity overrides. */
function configRows(config: AppliedConfig): CsvRow[] {
  const threshold = (name: string, days: number): CsvRow => ({
    record: 'config',
    group: 'threshold',
    name,
    count: days,
  });
  return [
    threshold('rotation_days', config.rotationDays),
    threshold('stale_verification_days', config.staleVerificationDays),
    {
      record: 'config',
      group: 'keychain',
      name: config.keychainChecked ? 'checked' : 'not checked',
    },
    ...config.disabledRules.map((rule) => ({
      record: 'config',
      group: 'disabled',
      rule,
      title: 'Switched off in audit.json',
    })),
    ...config.severityOverrides.map((o) => ({
      record: 'config',
      group: 'severity',
      rule: o.rule,
      severity: o.severity,
      title:
        o.severity === o.defaultSeverity
          ? 'Set in audit.json, same as the default'
          : `Set in audit.json; the default is ${o.defaultSeverity}`,
    })),
  ];
}

function summaryRows(report: AuditReport): CsvRow[] {
  const { summary } = report;
  const count = (group: string, name: string, value: number): CsvRow => ({
    record: 'summary',
    group,
    name,
    count: value,
  });
  return [
    count('keys', 'active', summary.keyCount),
    count('keys', 'revoked', summary.revokedKeyCount),
    count('servers', 'all', summary.serverCount),
    count('events', 'log', report.config.eventCount),
    ...[...SEVERITIES]
      .reverse()
      .map((s) => count('severity', s, summary.bySeverity[s])),
    ...summary.byServer.map((s) => ({
      ...count('server', s.serverUrl ?? s.name, s.keyCount),
      server_id: s.serverId,
    })),
    ...Object.entries(summary.byRiskClass).map(([risk, n]) =>
      count('risk', risk, n),
    ),
  ];
}

function findingRows(report: AuditReport): CsvRow[] {
  return report.findings.map((f) => {
    const entry = inventoryEntryOf(report, f.keyId);
    return {
      record: 'finding',
      severity: f.severity,
      rule: f.rule,
      key_id: f.keyId ?? '',
      server_id: f.serverId ?? '',
      server_url:
        report.summary.byServer.find((s) => s.serverId === f.serverId)
          ?.serverUrl ?? '',
      label: entry?.label ?? '',
      title: f.title,
      explanation: f.explanation,
      fix: f.fix,
    };
  });
}

function keyRows(report: AuditReport): CsvRow[] {
  return report.inventory.map((entry) => ({
    record: 'key',
    key_id: entry.keyId,
    server_id: entry.serverId,
    server_url: entry.serverUrl ?? '',
    label: entry.label,
    fingerprint: entry.fingerprint,
    origin: entry.origin,
    permissions: permissionsInWords(entry).join('; '),
    risks: risksInWords(entry),
    created_at: entry.createdAt,
    age_days: entry.ageDays,
    last_check: lastCheckInWords(entry),
    revoked_at: entry.revokedAt ?? '',
  }));
}

/**
 * One CSV cell. A text starting with = + - @ (or a tab or carriage return)
 * would run as a formula in a spreadsheet, so it gets a leading apostrophe;
 * labels and app names come from outside and could carry one.
 */
export function csvCell(value: string | number): string {
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) {
    text = `'${text}`;
  }
  return /[",\r\n]/.test(text) || text !== text.trim()
    ? `"${text.replace(/"/g, '""')}"`
    : text;
}
