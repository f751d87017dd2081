import { z } from 'zod';

/**
 * The metadata document: everything about servers and keys except the secrets.
 * It is readable and auditable offline without unlocking the keychain.
 */

/** How keys are minted on a server. */
export const MintMethod = z.enum(['authorize', 'basic', 'manager']);
export type MintMethod = z.infer<typeof MintMethod>;

const isoDate = z.string().datetime({ offset: true });

/** One policy of a server's `/misc/permissions` answer, with all it includes. */
const ServerPolicyListing = z.object({
  name: z.string().min(1).max(200),
  included: z.array(z.string().min(1).max(200)).max(1_000),
});

export const ServerRecord = z.object({
  id: z.string().min(1),
  /** Normalised base URL, sub-path kept, always ending in `/`. */
  baseUrl: z.string().url(),
  name: z.string(),
  userId: z.string().nullable().default(null),
  email: z.string().nullable().default(null),
  serverVersion: z.string().nullable().default(null),
  mintMethod: MintMethod,
  /** Local id of the `unrestricted` key used to mint and revoke over REST. */
  managerKeyId: z.string().nullable().default(null),
  /**
   * The server's `/misc/permissions` answer as last fetched with one of its
   * keys, so its plugin policies are described with their hierarchy. Null,
   * or absent in records stored before it existed, until a key has asked.
   */
  permissionListing: z
    .array(ServerPolicyListing)
    .max(1_000)
    .nullable()
    .optional(),
  addedAt: isoDate,
});
export type ServerRecord = z.infer<typeof ServerRecord>;

/** The app a key was delegated to, as it claimed to be (unverified). */
export const DelegatedApp = z.object({
  name: z.string().nullable(),
  identifier: z.string().nullable(),
  /** The loopback callback the key was (or was to be) delivered to. */
  callback: z.string().nullable(),
});
export type DelegatedApp = z.infer<typeof DelegatedApp>;

export const KeyOrigin = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('authorize'),
    applicationName: z.string().nullable().default(null),
    applicationIdentifier: z.string().nullable().default(null),
  }),
  z.object({ kind: z.literal('rest'), via: z.enum(['basic', 'manager']) }),
  z.object({ kind: z.literal('imported') }),
  z.object({
    kind: z.literal('delegated'),
    app: DelegatedApp,
    via: z.enum(['authorize', 'basic', 'manager', 'reused']),
    delivery: z
      .object({
        status: z.enum(['pending', 'delivered', 'failed']),
        at: isoDate.nullable(),
        error: z.string().nullable(),
      })
      .default({ status: 'pending', at: null, error: null }),
  }),
]);
export type KeyOrigin = z.infer<typeof KeyOrigin>;

/** What the server said the last time the key was checked. */
export const VerificationResult = z.enum([
  /** The key works; `permissions` is what the server reported. */
  'valid',
  /** 401 with an unknown key: revoked or never existed. */
  'unknown-key',
  /** 401 because the owner is locked out, disabled, unconfirmed or unapproved. */
  'owner-blocked',
  /** The server could not be reached or answered with an error. */
  'error',
]);
export type VerificationResult = z.infer<typeof VerificationResult>;

export const Verification = z.object({
  at: isoDate,
  result: VerificationResult,
  permissions: z.array(z.string()).nullable().default(null),
  message: z.string().nullable().default(null),
  /**
   * What was stored before, when the server reported other permissions.
   * BTCPay keys never change, so a difference means the record was wrong;
   * it is kept so the audit can show it until a later check agrees.
   */
  previousPermissions: z.array(z.string()).nullable().optional(),
});
export type Verification = z.infer<typeof Verification>;

export const KeyRecord = z.object({
  id: z.string().min(1),
  serverId: z.string().min(1),
  label: z.string(),
  /** Identifies the key without revealing it (see `fingerprintKey`). */
  fingerprint: z.string().min(1),
  /** What the server says the key holds, `policy` or `policy:scope`. */
  grantedPermissions: z.array(z.string()),
  /** What was asked for, when known. */
  requestedPermissions: z.array(z.string()).nullable().default(null),
  origin: KeyOrigin,
  /** The BTCPay user that owns the key, when known. */
  userId: z.string().nullable().default(null),
  /**
   * The owner's email, when known: for a key minted for another account it
   * is all there is to name the owner, and BTCPay's per-user key routes take
   * an id or an email alike. Absent in records stored before it existed.
   */
  ownerEmail: z.string().nullable().optional(),
  /** The server's `unrestricted` manager credential. */
  isManager: z.boolean().default(false),
  createdAt: isoDate,
  lastVerification: Verification.nullable().default(null),
  revokedAt: isoDate.nullable().default(null),
});
export type KeyRecord = z.infer<typeof KeyRecord>;

/** A remembered consent decision for deep-link requests. */
export const DelegationDecision = z.object({
  id: z.string().min(1),
  serverId: z.string().min(1),
  applicationIdentifier: z.string(),
  applicationName: z.string().nullable(),
  /** The requested permission set, sorted, as a stable key. */
  permissions: z.array(z.string()),
  decision: z.enum(['allow', 'deny']),
  keyId: z.string().nullable().default(null),
  /**
   * The program that listened on the app's callback when the decision was
   * made (its executable path, or its name where the OS gives no path);
   * null when the OS could not tell.
   */
  callbackProgram: z.string().nullable().default(null),
  createdAt: isoDate,
  lastUsedAt: isoDate.nullable().default(null),
});
export type DelegationDecision = z.infer<typeof DelegationDecision>;

export const Settings = z.object({
  rotationDays: z.number().int().positive().default(180),
  staleVerificationDays: z.number().int().positive().default(30),
  authorizeTimeoutSeconds: z.number().int().positive().default(600),
  keychainTimeoutSeconds: z.number().int().positive().default(60),
  theme: z.enum(['system', 'light', 'dark']).default('system'),
});
export type Settings = z.infer<typeof Settings>;

export const METADATA_VERSION = 2;

export const MetadataDocument = z.object({
  version: z.literal(METADATA_VERSION),
  /**
   * What this folder's keychain accounts start with (`<namespace>:<keyId>`),
   * chosen at random when the folder is made. Null for a folder made before
   * namespaces existed: its accounts are bare key ids, shared with every
   * other such folder. Written second so a damaged file still shows it.
   */
  keychainNamespace: z
    .string()
    .regex(/^n_[a-z2-7]{16}$/)
    .nullable(),
  servers: z.array(ServerRecord),
  keys: z.array(KeyRecord),
  delegations: z.array(DelegationDecision).default([]),
  settings: Settings.default(Settings.parse({})),
});
export type MetadataDocument = z.infer<typeof MetadataDocument>;

/**
 * An empty document, as a fresh install starts with, filing its secrets
 * under `keychainNamespace` (see `newKeychainNamespace`).
 */
export function emptyMetadata(
  keychainNamespace: string | null,
): MetadataDocument {
  return MetadataDocument.parse({
    version: METADATA_VERSION,
    keychainNamespace,
    servers: [],
    keys: [],
  });
}
