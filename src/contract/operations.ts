import { z } from 'zod';
import { KeyLabel } from './labels';
import { resultOf } from './result';
import {
  AuditView,
  DeepLinkMethod,
  DeepLinkRequestView,
  DelegationView,
  EventView,
  KeyAdded,
  KeyDetail,
  KeyView,
  PermissionLine,
  PolicyView,
  PresetView,
  ServerView,
  Settings,
  StoreView,
} from './views';
import { MintMethod } from '../vault/schema';
import type { OperationName } from './names';

/**
 * Every operation the UI can ask for: its request schema and its answer
 * schema. Main parses each request with it; the preload and the renderer take
 * their types from it, so the three cannot drift.
 */

const none = z.object({}).strict();
const done = resultOf(z.object({}));
const keyRef = z.object({ keyId: z.string().min(1) });
const serverRef = z.object({ serverId: z.string().min(1) });
const permissions = z.array(z.string().min(1).max(200)).max(200);

/** How a REST call to a server authenticates. */
export const ServerAuth = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('manager') }),
  z.object({
    kind: z.literal('basic'),
    email: z.string().min(1).max(320),
    password: z.string().min(1).max(1024),
  }),
]);
export type ServerAuth = z.infer<typeof ServerAuth>;

/** How long a key copied from the app stays on the clipboard by default. */
export const CLIPBOARD_CLEAR_SECONDS = 30;

/** What the user asks BTCPay for in the browser authorize flow. */
export const AuthorizeRequest = z.object({
  serverId: z.string().min(1),
  label: KeyLabel,
  permissions,
  strict: z.boolean(),
  selectiveStores: z.boolean(),
});

/** A started authorize flow; progress arrives as `authorize` events. */
const AuthorizeStarted = z.object({
  flowId: z.string(),
  authorizeUrl: z.string(),
  expiresAt: z.string(),
});

export const operations = {
  listServers: { request: none, response: resultOf(z.array(ServerView)) },
  addServer: {
    request: z.object({
      url: z.string().min(1).max(2048),
      name: z.string().max(200).optional(),
    }),
    response: resultOf(ServerView),
  },
  updateServer: {
    request: serverRef.extend({
      name: z.string().min(1).max(200).optional(),
      mintMethod: MintMethod.optional(),
    }),
    response: resultOf(ServerView),
  },
  removeServer: { request: serverRef, response: done },
  connectManager: { request: serverRef, response: resultOf(AuthorizeStarted) },
  listKeys: { request: none, response: resultOf(z.array(KeyView)) },
  getKey: { request: keyRef, response: resultOf(KeyDetail) },
  listStores: {
    request: serverRef.extend({ auth: ServerAuth }),
    response: resultOf(z.array(StoreView)),
  },
  permissionCatalogue: {
    request: none,
    response: resultOf(
      z.object({
        policies: z.array(PolicyView),
        presets: z.array(PresetView),
      }),
    ),
  },
  describePermissions: {
    request: z.object({ serverId: z.string().nullable(), permissions }),
    response: resultOf(z.array(PermissionLine)),
  },
  createKeyRest: {
    request: serverRef.extend({
      label: KeyLabel,
      permissions,
      auth: ServerAuth,
    }),
    response: resultOf(KeyAdded),
  },
  startAuthorize: {
    request: AuthorizeRequest,
    response: resultOf(AuthorizeStarted),
  },
  cancelAuthorize: {
    request: z.object({ flowId: z.string().min(1) }),
    response: done,
  },
  importKey: {
    request: serverRef.extend({
      label: KeyLabel,
      apiKey: z.string().min(1).max(512),
    }),
    response: resultOf(KeyAdded),
  },
  verifyKeys: {
    request: z.object({
      keyIds: z.union([z.literal('all'), z.array(z.string().min(1))]),
    }),
    response: resultOf(
      z.object({
        checked: z.number().int(),
        valid: z.number().int(),
        problems: z.number().int(),
      }),
    ),
  },
  revealKey: {
    request: keyRef,
    response: resultOf(z.object({ apiKey: z.string() })),
  },
  copyKey: {
    request: keyRef,
    response: resultOf(
      z.object({
        clearsAt: z.string(),
        /** How long the key stays on the clipboard, for the notice. */
        clearsAfterSeconds: z.number().int().nonnegative(),
      }),
    ),
  },
  revokeKey: {
    request: keyRef,
    response: resultOf(
      z.object({ serverKnewKey: z.boolean(), message: z.string() }),
    ),
  },
  deleteKeyLocal: { request: keyRef, response: done },
  runAudit: { request: none, response: resultOf(AuditView) },
  exportAudit: {
    request: z.object({ format: z.enum(['json', 'csv', 'md']) }),
    response: resultOf(
      z.object({
        fileName: z.string(),
        mediaType: z.string(),
        content: z.string(),
      }),
    ),
  },
  listEvents: {
    request: z.object({
      query: z.string().max(200).default(''),
      limit: z.number().int().positive().max(5000).default(500),
    }),
    response: resultOf(
      z.object({
        events: z.array(EventView),
        /** How many entries match the query, shown or not. */
        matching: z.number().int(),
        chainIntact: z.boolean(),
      }),
    ),
  },
  getSettings: { request: none, response: resultOf(Settings) },
  saveSettings: { request: Settings, response: resultOf(Settings) },
  pendingDeepLink: {
    request: none,
    response: resultOf(
      z.object({
        request: DeepLinkRequestView.nullable(),
        queued: z.number().int(),
      }),
    ),
  },
  answerDeepLink: {
    request: z.object({
      requestId: z.string().min(1),
      decision: z.enum(['approve', 'deny']),
      remember: z.boolean(),
      storeId: z.string().min(1).max(200).nullable(),
      /** How to get the key; the view's default when absent. */
      method: DeepLinkMethod.optional(),
      /** For `basic`: spent once on this request, never stored. */
      basic: z
        .object({
          email: z.string().min(1).max(320),
          password: z.string().min(1).max(1024),
        })
        .optional(),
    }),
    response: resultOf(z.object({ message: z.string() })),
  },
  listDelegations: {
    request: none,
    response: resultOf(z.array(DelegationView)),
  },
  revokeDelegation: {
    request: z.object({ id: z.string().min(1), revokeKey: z.boolean() }),
    response: done,
  },
} as const satisfies Record<
  OperationName,
  { request: z.ZodType; response: z.ZodType }
>;

export type Operations = typeof operations;
