/**
 * The offline audit of stored keys: rules over the metadata and the event
 * log, and the reports that present them.
 */
export {
  AUDIT_CONFIG_FILE,
  AuditConfig,
  AuditConfigError,
  loadAuditConfig,
  resolveAuditConfig,
  type ResolvedAuditConfig,
} from './config';
export { loadAuditInputs, type LoadAuditOptions } from './load-inputs';
export { renderCsvReport } from './report-csv';
export { renderJsonReport } from './report-json';
export { renderMarkdownReport } from './report-markdown';
export {
  AUDIT_REPORT_VERSION,
  AuditReport,
  Finding,
  RULE_IDS,
  RuleId,
  SEVERITIES,
  Severity,
  atOrAbove,
  auditReportJsonSchema,
} from './report-schema';
export { renderTerminalReport } from './report-terminal';
export { DEFAULT_SEVERITIES } from './rules';
export { runAudit, type AuditInputs } from './run-audit';
