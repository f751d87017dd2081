import { z } from 'zod';
import { RISK_CLASSES } from '../permissions/risk';
import { MintMethod, Settings, VerificationResult } from '../vault/schema';

/**
 * What the UI sees of servers, keys, permissions, the audit and the log.
 * None of these carry a secret: only `revealKey` answers with one.
 */

const isoDate = z.string();

/** A BTCPay server the user added. */
export const ServerView = z.object({
  id: z.string(),
  baseUrl: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  serverVersion: z.string().nullable(),
  mintMethod: MintMethod,
  managerKeyId: z.string().nullable(),
  addedAt: isoDate,
  keyCount: z.number().int(),
  /** Plain http on a public host: BTCPay refuses to mint keys there. */
  insecure: z.boolean(),
});
export type ServerView = z.infer<typeof ServerView>;

/** The risk classes a permission set can fall into, worst first. */
export const RiskClass = z.enum(RISK_CLASSES);
export type RiskClass = z.infer<typeof RiskClass>;

/** Where a key came from, flattened for lists and filters. */
export const OriginView = z.object({
  kind: z.enum(['authorize', 'rest', 'imported', 'delegated']),
  /** The app it was created for or delegated to, as it claimed (unverified). */
  appName: z.string().nullable(),
  appIdentifier: z.string().nullable(),
  detail: z.string(),
});
export type OriginView = z.infer<typeof OriginView>;

/** The last time the key was checked against its server. */
export const VerificationView = z.object({
  at: isoDate,
  result: VerificationResult,
  message: z.string().nullable(),
});

/** One key in the inventory: metadata only, never the secret. */
export const KeyView = z.object({
  id: z.string(),
  serverId: z.string(),
  serverName: z.string(),
  label: z.string(),
  fingerprint: z.string(),
  grantedPermissions: z.array(z.string()),
  requestedPermissions: z.array(z.string()).nullable(),
  origin: OriginView,
  isManager: z.boolean(),
  createdAt: isoDate,
  lastVerification: VerificationView.nullable(),
  revokedAt: isoDate.nullable(),
  risks: z.array(RiskClass),
});
export type KeyView = z.infer<typeof KeyView>;

/**
 * A key just imported or created, with what the merchant should know beyond
 * "stored": a lost secret put back, permissions the server does not define,
 * a new manager key.
 */
export const KeyAdded = z.object({
  key: KeyView,
  notices: z.array(z.string()),
});
export type KeyAdded = z.infer<typeof KeyAdded>;

/** One permission explained in plain words, for the inspector and consent. */
export const PermissionLine = z.object({
  permission: z.string(),
  policy: z.string(),
  scope: z.string().nullable(),
  /** The store's name when the scope is a store we know. */
  storeName: z.string().nullable(),
  kind: z.enum(['user', 'server', 'store', 'unknown']),
  title: z.string(),
  description: z.string(),
  /** Titles of what holding this permission also allows. */
  implies: z.array(z.string()),
  risks: z.array(RiskClass),
  /** Requested versus granted; `both` when a key got what it asked for. */
  status: z.enum(['both', 'granted-only', 'requested-only']),
  unknown: z.boolean(),
});
export type PermissionLine = z.infer<typeof PermissionLine>;

/** A key with every permission explained. */
export const KeyDetail = KeyView.extend({
  permissions: z.array(PermissionLine),
  server: ServerView.nullable(),
});
export type KeyDetail = z.infer<typeof KeyDetail>;

/** A store on a server, for store choices. */
export const StoreView = z.object({ id: z.string(), name: z.string() });
export type StoreView = z.infer<typeof StoreView>;

/** A policy of the catalogue, for the permission picker. */
export const PolicyView = z.object({
  policy: z.string(),
  title: z.string(),
  description: z.string(),
  kind: z.enum(['user', 'server', 'store', 'unknown']),
  risks: z.array(RiskClass),
});
export type PolicyView = z.infer<typeof PolicyView>;

/** A named permission set such as "create invoices". */
export const PresetView = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  permissions: z.array(z.string()),
});
export type PresetView = z.infer<typeof PresetView>;

export const AuditSeverity = z.enum([
  'critical',
  'high',
  'medium',
  'low',
  'info',
]);
export type AuditSeverity = z.infer<typeof AuditSeverity>;

/** One audit finding: which rule, how bad, about what, and the fix. */
export const FindingView = z.object({
  ruleId: z.string(),
  severity: AuditSeverity,
  subject: z.object({
    kind: z.enum(['key', 'server', 'log']),
    id: z.string().nullable(),
    label: z.string(),
  }),
  explanation: z.string(),
  fix: z.string(),
});
export type FindingView = z.infer<typeof FindingView>;

/** A labelled count, for the audit's charts. */
export const CountView = z.object({ label: z.string(), count: z.number() });

/** The offline audit as the UI shows it. */
export const AuditView = z.object({
  generatedAt: isoDate,
  keyCount: z.number().int(),
  findings: z.array(FindingView),
  bySeverity: z.array(CountView),
  byRisk: z.array(CountView),
  byAge: z.array(CountView),
});
export type AuditView = z.infer<typeof AuditView>;

/** One entry of the event log (never a secret). */
export const EventView = z.object({
  at: isoDate,
  type: z.string(),
  keyId: z.string().nullable(),
  serverId: z.string().nullable(),
  summary: z.string(),
});
export type EventView = z.infer<typeof EventView>;

/** A remembered consent decision for deep-link requests. */
export const DelegationView = z.object({
  id: z.string(),
  serverId: z.string(),
  serverName: z.string(),
  applicationName: z.string().nullable(),
  applicationIdentifier: z.string(),
  permissions: z.array(z.string()),
  decision: z.enum(['allow', 'deny']),
  keyId: z.string().nullable(),
  createdAt: isoDate,
  lastUsedAt: isoDate.nullable(),
});
export type DelegationView = z.infer<typeof DelegationView>;

/** How the key for a deep-link request is obtained. */
export const DeepLinkMethod = z.enum([
  'reuse',
  'manager',
  'authorize',
  'basic',
]);
export type DeepLinkMethod = z.infer<typeof DeepLinkMethod>;

/** A deep-link request waiting for the user's decision. */
export const DeepLinkRequestView = z.object({
  id: z.string(),
  receivedAt: isoDate,
  serverUrl: z.string(),
  serverId: z.string().nullable(),
  applicationName: z.string().nullable(),
  applicationIdentifier: z.string().nullable(),
  /** The loopback port the key would be posted to, or null to keep it here. */
  callbackPort: z.number().int().nullable(),
  callbackProcess: z.string().nullable(),
  /** The listening program's executable path, when the OS gives one. */
  callbackExecutable: z.string().nullable(),
  permissions: z.array(PermissionLine),
  selectiveStores: z.boolean(),
  /** True when a key made here must be limited to one store the user picks. */
  needsStore: z.boolean(),
  /** What the link asks that BTCPay or this app handles differently. */
  warnings: z.array(z.string()),
  /** A stored key with exactly the requested permissions, to hand over. */
  reusableKey: z
    .object({ id: z.string(), label: z.string(), fingerprint: z.string() })
    .nullable(),
  /** The ways the key can be obtained, and the one to preselect. */
  methods: z.array(DeepLinkMethod),
  defaultMethod: DeepLinkMethod,
  /** Why a remembered answer did not apply by itself, when it did not. */
  rememberedMismatch: z.string().nullable(),
  /** Why the link is refused; the UI then offers only to dismiss it. */
  refusal: z.string().nullable(),
});
export type DeepLinkRequestView = z.infer<typeof DeepLinkRequestView>;

export { Settings };
export type { MintMethod };
