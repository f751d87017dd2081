import type { AuditView, ContractHandlers, FindingView } from '../contract';
import {
  loadAuditInputs,
  renderCsvReport,
  renderJsonReport,
  renderMarkdownReport,
  runAudit,
  type AuditReport,
} from '../audit';
import { RISK_LABELS } from '../permissions/risk';
import type { ServiceContext } from './context';
import { answer } from './failures';

/**
 * The offline audit for the UI: the same report the command line prints,
 * reshaped for the screen's list and charts, and exported in every format.
 */

type AuditHandlers = Pick<ContractHandlers, 'runAudit' | 'exportAudit'>;

const SEVERITY_ORDER = ['critical', 'high', 'medium', 'low', 'info'] as const;

const AGE_BUCKETS = [
  { label: 'Under 30 days', upTo: 30 },
  { label: '30 to 90 days', upTo: 90 },
  { label: '90 to 180 days', upTo: 180 },
  { label: '180 days to a year', upTo: 365 },
  { label: 'Over a year', upTo: Infinity },
];

function findingView(
  finding: AuditReport['findings'][number],
  labels: ReadonlyMap<string, string>,
): FindingView {
  const subject = finding.keyId
    ? { kind: 'key' as const, id: finding.keyId }
    : finding.serverId
      ? { kind: 'server' as const, id: finding.serverId }
      : { kind: 'log' as const, id: null };
  return {
    ruleId: finding.rule,
    severity: finding.severity,
    subject: {
      ...subject,
      label:
        (subject.id && labels.get(subject.id)) ||
        (subject.kind === 'log' ? 'Event log' : finding.title),
    },
    explanation: `${finding.title}. ${finding.explanation}`,
    fix: finding.fix,
  };
}

/** Reshapes the audit report for the audit screen. */
export function auditView(report: AuditReport): AuditView {
  const labels = new Map<string, string>([
    ...report.inventory.map((k) => [k.keyId, k.label] as [string, string]),
    ...report.summary.byServer.map(
      (s) => [s.serverId, s.name] as [string, string],
    ),
  ]);
  const active = report.inventory.filter((k) => k.revokedAt === null);
  return {
    generatedAt: report.generatedAt,
    keyCount: report.summary.keyCount,
    findings: report.findings.map((f) => findingView(f, labels)),
    bySeverity: SEVERITY_ORDER.map((severity) => ({
      label: severity,
      count: report.summary.bySeverity[severity],
    })),
    byRisk: Object.entries(RISK_LABELS).map(([risk, { name }]) => ({
      label: name,
      count: report.summary.byRiskClass[risk as keyof typeof RISK_LABELS] ?? 0,
    })),
    byAge: AGE_BUCKETS.map((bucket, index) => {
      const from = AGE_BUCKETS[index - 1]?.upTo ?? -1;
      return {
        label: bucket.label,
        count: active.filter(
          (k) => k.ageDays > from && k.ageDays <= bucket.upTo,
        ).length,
      };
    }),
  };
}

const RENDERERS = {
  json: { render: renderJsonReport, mediaType: 'application/json' },
  csv: { render: renderCsvReport, mediaType: 'text/csv' },
  md: { render: renderMarkdownReport, mediaType: 'text/markdown' },
} as const;

/** The audit screen's operations; offline, the keychain is never touched. */
export function auditHandlers(context: ServiceContext): AuditHandlers {
  const report = async () =>
    runAudit(
      await loadAuditInputs(context.vault.home, {
        keychain: false,
        now: context.now(),
      }),
    );
  return {
    runAudit: () => answer(async () => auditView(await report())),
    exportAudit: ({ format }) =>
      answer(async () => {
        const { render, mediaType } = RENDERERS[format];
        const day = context.now().toISOString().slice(0, 10);
        return {
          fileName: `btcpay-keys-audit-${day}.${format}`,
          mediaType,
          content: render(await report()),
        };
      }),
  };
}
