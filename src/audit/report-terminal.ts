import { printable } from '../display/printable';
import type { AuditReport, Severity } from './report-schema';
import {
  counted,
  countsInWords,
  lastCheckInWords,
  permissionsInWords,
  RISK_CLASS_WORDS,
  risksInWords,
  settingsInWords,
  subjectOf,
} from './report-words';

/**
 * The audit as a person reads it in a terminal: summary, findings table with
 * explanations and fixes, then the inventory. Colour only when allowed.
 */

const ANSI: Record<Severity, string> = {
  critical: '\u001b[1;31m',
  high: '\u001b[31m',
  medium: '\u001b[33m',
  low: '\u001b[36m',
  info: '\u001b[2m',
};
const RESET = '\u001b[0m';
const MAX_CELL = 60;

/** Renders the report for a terminal; `color` false gives plain text. */
export function renderTerminalReport(
  report: AuditReport,
  options: { color: boolean },
): string {
  const paint = (severity: Severity, text: string): string =>
    options.color ? `${ANSI[severity]}${text}${RESET}` : text;
  const { summary } = report;

  const out: string[] = [
    `BTCPay Key Manager audit, ${report.generatedAt}`,
    `${counted(summary.keyCount, 'active key')} ` +
      `(${summary.revokedKeyCount} revoked) ` +
      `on ${counted(summary.serverCount, 'server')}; ` +
      `${counted(report.config.eventCount, 'event')} in the log` +
      (report.config.keychainChecked ? '; keychain checked' : ''),
    `Findings: ${countsInWords(summary.bySeverity)}`,
    ...settingsInWords(report.config).map(
      ([setting, value]) => `${setting}: ${value}`,
    ),
    '',
  ];

  out.push(...findingsSection(report, paint), '');
  out.push(
    ...(summary.byServer.length === 0
      ? ['By server: no servers stored.']
      : [
          'By server',
          ...table(
            ['SERVER', 'KEYS', 'FINDINGS'],
            summary.byServer.map((s) => [
              s.serverUrl ?? s.name,
              String(s.keyCount),
              countsInWords(s.findings),
            ]),
          ),
        ]),
    '',
  );
  out.push('Active keys by risk');
  out.push(
    ...table(
      ['RISK', 'KEYS'],
      Object.entries(summary.byRiskClass).map(([risk, count]) => [
        RISK_CLASS_WORDS[risk as keyof typeof RISK_CLASS_WORDS],
        String(count),
      ]),
    ),
    '',
  );
  out.push(...inventorySection(report));
  return out.join('\n') + '\n';
}

function findingsSection(
  report: AuditReport,
  paint: (severity: Severity, text: string) => string,
): string[] {
  if (report.findings.length === 0) return ['No findings.'];
  const rows = report.findings.map((f) => [
    f.severity,
    f.rule,
    subjectOf(report, f),
    f.title,
  ]);
  const lines = table(['SEVERITY', 'RULE', 'KEY OR SERVER', 'FINDING'], rows);
  // Colour after padding, so escape codes do not upset the column widths.
  const coloured = lines.map((line, index) => {
    const finding = report.findings[index - 1];
    return finding === undefined ? line : paint(finding.severity, line);
  });

  const details = report.findings.flatMap((f, index) => [
    '',
    `${index + 1}. [${f.severity}] ${printable(f.title)}`,
    `   ${printable(f.explanation)}`,
    `   Fix: ${printable(f.fix)}`,
  ]);
  return ['Findings', ...coloured, ...details];
}

function inventorySection(report: AuditReport): string[] {
  if (report.inventory.length === 0) return ['Inventory: no keys stored.'];
  const lines = ['Inventory'];
  for (const entry of report.inventory) {
    const status =
      entry.revokedAt === null
        ? ''
        : ` REVOKED ${entry.revokedAt.slice(0, 10)}`;
    lines.push(
      '',
      printable(
        `${entry.label || '(no label)'}  key ${entry.keyId}  ` +
          `fingerprint ${entry.fingerprint}${status}`,
      ),
      printable(
        `  server ${entry.serverUrl ?? entry.serverId}; ${entry.origin}; ` +
          `created ${entry.createdAt.slice(0, 10)} (${entry.ageDays} days); ` +
          `last check ${lastCheckInWords(entry)}`,
      ),
      `  risks: ${risksInWords(entry) || 'none'}`,
      ...permissionsInWords(entry).map((words) => `  - ${printable(words)}`),
    );
  }
  return lines;
}

/** Left-aligned columns, each cell cut to a readable width. */
function table(headers: string[], rows: string[][]): string[] {
  const cells = [headers, ...rows].map((row) =>
    row.map((cell) => clip(printable(cell))),
  );
  const widths = headers.map((_, column) =>
    Math.max(...cells.map((row) => (row[column] ?? '').length)),
  );
  return cells.map((row) =>
    row
      .map((cell, column) =>
        column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0),
      )
      .join('  '),
  );
}

function clip(text: string): string {
  return text.length <= MAX_CELL ? text : `${text.slice(0, MAX_CELL - 1)}…`;
}
