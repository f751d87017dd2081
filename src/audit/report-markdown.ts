import type { AuditReport } from './report-schema';
import { SEVERITIES } from './report-schema';
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
 * The report as Markdown, for a ticket, a wiki page or an accountant's
 * folder: summary tables, findings with their fixes, and the inventory.
 */

/** Renders the report as GitHub-flavoured Markdown. */
export function renderMarkdownReport(report: AuditReport): string {
  const { summary } = report;
  const parts = [
    '# BTCPay Key Manager audit',
    '',
    `Generated ${report.generatedAt}: ` +
      `${counted(summary.keyCount, 'active key')} ` +
      `(${summary.revokedKeyCount} revoked) on ` +
      `${counted(summary.serverCount, 'server')}; ` +
      `${counted(report.config.eventCount, 'event')} in the log; keychain ` +
      `${report.config.keychainChecked ? 'checked' : 'not checked'}. ` +
      `Findings: ${countsInWords(summary.bySeverity)}.`,
    '',
    '## Settings',
    '',
    ...mdTable(['Setting', 'Value'], settingsInWords(report.config)),
    '',
    '## Findings by severity',
    '',
    ...mdTable(
      ['Severity', 'Findings'],
      [...SEVERITIES].reverse().map((s) => [s, String(summary.bySeverity[s])]),
    ),
    '',
    '## Servers',
    '',
    ...mdTable(
      ['Server', 'Active keys', 'Findings'],
      summary.byServer.map((s) => [
        s.serverUrl ?? s.name,
        String(s.keyCount),
        countsInWords(s.findings),
      ]),
    ),
    '',
    '## Active keys by risk',
    '',
    ...mdTable(
      ['Risk', 'Keys'],
      Object.entries(summary.byRiskClass).map(([risk, n]) => [
        RISK_CLASS_WORDS[risk as keyof typeof RISK_CLASS_WORDS],
        String(n),
      ]),
    ),
    '',
    '## Findings',
    '',
    ...(report.findings.length === 0
      ? ['No findings.']
      : mdTable(
          ['Severity', 'Rule', 'Key or server', 'Finding', 'Why', 'Fix'],
          report.findings.map((f) => [
            f.severity,
            f.rule,
            subjectOf(report, f),
            f.title,
            f.explanation,
            f.fix,
          ]),
        )),
    '',
    '## Inventory',
    '',
    ...(report.inventory.length === 0
      ? ['No keys stored.']
      : mdTable(
          [
            'Label',
            'Key',
            'Server',
            'Fingerprint',
            'Origin',
            'Permissions',
            'Risks',
            'Created',
            'Age (days)',
            'Last check',
            'Revoked',
          ],
          report.inventory.map((e) => [
            e.label,
            e.keyId,
            e.serverUrl ?? e.serverId,
            e.fingerprint,
            e.origin,
            permissionsInWords(e).join('; '),
            risksInWords(e),
            e.createdAt.slice(0, 10),
            String(e.ageDays),
            lastCheckInWords(e),
            e.revokedAt?.slice(0, 10) ?? '',
          ]),
        )),
  ];
  return `${parts.join('\n')}\n`;
}

function mdTable(headers: string[], rows: string[][]): string[] {
  return [
    `| ${headers.map(mdCell).join(' | ')} |`,
    `| ${headers.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(mdCell).join(' | ')} |`),
  ];
}

/**
 * One table cell: pipes and line breaks would end the cell, and angle
 * brackets would become HTML in a rendered page, so labels from outside
 * stay text.
 */
export function mdCell(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/[\r\n]+/g, ' ')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[`*_[\]]/g, (c) => `\\${c}`);
}
