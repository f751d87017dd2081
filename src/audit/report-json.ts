import type { AuditReport } from './report-schema';

/**
 * The machine-readable report: the `AuditReport` object itself, whose
 * versioned schema docs/audit.md documents field by field.
 */

/** Renders the report as pretty-printed JSON ending in a newline. */
export function renderJsonReport(report: AuditReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
