import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Settings } from '../vault/schema';
import { RuleId, Severity } from './report-schema';

/**
 * The audit's own settings file, `<home>/audit.json`. Every field is
 * optional: a missing file or field falls back to the vault's settings and
 * then to the built-in defaults, so an empty folder still audits fully.
 */

/** The name of the audit settings file inside the data folder. */
export const AUDIT_CONFIG_FILE = 'audit.json';

/** What `audit.json` may hold; unknown fields are refused to catch typos. */
export const AuditConfig = z
  .object({
    /** Keys older than this many days are due for rotation. */
    rotationDays: z.number().int().positive().optional(),
    /** Keys not checked against their server for this long are stale. */
    staleVerificationDays: z.number().int().positive().optional(),
    /** Severity overrides, per rule id. */
    severities: z.partialRecord(RuleId, Severity).optional(),
    /** Rules that produce no findings at all. */
    disabledRules: z.array(RuleId).optional(),
  })
  .strict();
export type AuditConfig = z.infer<typeof AuditConfig>;

/** The thresholds actually used once file, vault settings and defaults met. */
export interface ResolvedAuditConfig {
  rotationDays: number;
  staleVerificationDays: number;
  severities: Partial<Record<RuleId, Severity>>;
  disabledRules: RuleId[];
}

/** Built-in fallbacks, used when neither audit.json nor the vault says. */
export const DEFAULT_ROTATION_DAYS = 180;
export const DEFAULT_STALE_VERIFICATION_DAYS = 30;

/** Combines audit.json with the vault's settings; audit.json wins. */
export function resolveAuditConfig(
  config: AuditConfig,
  settings: Pick<Settings, 'rotationDays' | 'staleVerificationDays'> | null,
): ResolvedAuditConfig {
  return {
    rotationDays:
      config.rotationDays ?? settings?.rotationDays ?? DEFAULT_ROTATION_DAYS,
    staleVerificationDays:
      config.staleVerificationDays ??
      settings?.staleVerificationDays ??
      DEFAULT_STALE_VERIFICATION_DAYS,
    severities: config.severities ?? {},
    disabledRules: [...new Set(config.disabledRules ?? [])],
  };
}

/** An audit.json that cannot be used; the message says what to change. */
export class AuditConfigError extends Error {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(
      `The audit settings in ${file} cannot be used: ${detail}. ` +
        'Fix or delete the file (docs/audit.md lists its fields).',
    );
    this.name = 'AuditConfigError';
  }
}

/** Reads `<home>/audit.json`; a missing file means "all defaults". */
export async function loadAuditConfig(home: string): Promise<AuditConfig> {
  const file = path.join(home, AUDIT_CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }

  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new AuditConfigError(file, 'it is not valid JSON');
  }
  const parsed = AuditConfig.safeParse(raw);
  if (!parsed.success) {
    throw new AuditConfigError(file, describeIssues(parsed.error));
  }
  return parsed.data;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.length > 0 ? issue.path.join('.') : 'the file';
      return `${where}: ${issue.message}`;
    })
    .join('; ');
}
