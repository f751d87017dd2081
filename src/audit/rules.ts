import { cachedRiskClasses, permissionModelForServer } from '../permissions';
import type { KeyRecord, ServerRecord } from '../vault/schema';
import type { ResolvedAuditConfig } from './config';
import {
  RULE_IDS,
  type Finding,
  type RiskClass,
  type RuleId,
  type Severity,
  type SeverityOverride,
} from './report-schema';

/**
 * What every rule sees and how a rule's raw finding becomes a reported one:
 * the default severity table, the user's overrides and disabled rules.
 */

/** A finding before configuration picks its final severity. */
export type DraftFinding = Omit<Finding, 'severity'> & {
  /** Only when a rule grades its own finding (for example by delivery). */
  severity?: Severity;
};

/** The facts every rule may read; rules never read files or the network. */
export interface RuleContext {
  now: Date;
  config: ResolvedAuditConfig;
  serversById: ReadonlyMap<string, ServerRecord>;
}

/**
 * The risk classes of a key's permissions, judged by its server's own list
 * of permissions when one is stored, as the app's screens judge them.
 */
export function keyRiskClasses(
  key: KeyRecord,
  serversById: ReadonlyMap<string, ServerRecord>,
): RiskClass[] {
  return cachedRiskClasses(
    key.grantedPermissions,
    permissionModelForServer(serversById.get(key.serverId)),
  );
}

/** How urgent each rule is unless audit.json says otherwise. */
export const DEFAULT_SEVERITIES: Record<RuleId, Severity> = {
  unrestricted: 'high',
  'server-admin': 'high',
  'moves-funds': 'medium',
  'all-stores': 'low',
  'never-verified': 'low',
  'stale-verification': 'low',
  'permission-drift': 'medium',
  'unknown-to-server': 'medium',
  duplicate: 'low',
  'rotation-due': 'medium',
  'manager-key': 'medium',
  delegated: 'info',
  'insecure-server': 'high',
  'log-tampered': 'critical',
  'metadata-set-aside': 'high',
  'secret-missing': 'medium',
  'secret-orphaned': 'low',
};

/** Applies disabled rules and severity overrides to raw findings. */
export function finalizeFindings(
  drafts: readonly DraftFinding[],
  config: ResolvedAuditConfig,
): Finding[] {
  const disabled = new Set(config.disabledRules);
  return drafts
    .filter((draft) => !disabled.has(draft.rule))
    .map((draft) => ({
      ...draft,
      severity:
        config.severities[draft.rule] ??
        draft.severity ??
        DEFAULT_SEVERITIES[draft.rule],
    }));
}

/**
 * The severities audit.json sets, in rule order, each next to the default
 * it replaces, so every report can say which grades were changed.
 */
export function severityOverrides(
  config: ResolvedAuditConfig,
): SeverityOverride[] {
  return RULE_IDS.flatMap((rule) => {
    const severity = config.severities[rule];
    return severity === undefined
      ? []
      : [{ rule, severity, defaultSeverity: DEFAULT_SEVERITIES[rule] }];
  });
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Whole days from `iso` to `now`; never negative, even with clock skew. */
export function daysSince(iso: string, now: Date): number {
  const elapsed = now.getTime() - new Date(iso).getTime();
  return Math.max(0, Math.floor(elapsed / DAY_MS));
}

/** The calendar date of an ISO timestamp, for explanations. */
export function dayOf(iso: string): string {
  return iso.slice(0, 10);
}

/** How a key is named in an explanation: its label, or its id. */
export function keyName(key: KeyRecord): string {
  return key.label.trim() === '' ? `key ${key.id}` : `"${key.label}"`;
}

/** How a server is named in an explanation. */
export function serverName(
  serverId: string,
  serversById: ReadonlyMap<string, ServerRecord>,
): string {
  const server = serversById.get(serverId);
  if (server === undefined) return `an unknown server (${serverId})`;
  return server.name.trim() === ''
    ? server.baseUrl
    : `${server.name} (${server.baseUrl})`;
}

/** True for the server's manager credential, however it was recorded. */
export function isManagerKey(
  key: KeyRecord,
  serversById: ReadonlyMap<string, ServerRecord>,
): boolean {
  return (
    key.isManager || serversById.get(key.serverId)?.managerKeyId === key.id
  );
}

/** The app a key belongs to, when one is known, for grouping duplicates. */
export function applicationOf(key: KeyRecord): string | null {
  switch (key.origin.kind) {
    case 'authorize':
      return (
        key.origin.applicationIdentifier ?? key.origin.applicationName ?? null
      );
    case 'delegated':
      return key.origin.app.identifier ?? key.origin.app.name ?? null;
    default:
      return null;
  }
}
