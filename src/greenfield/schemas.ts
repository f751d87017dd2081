import { z } from 'zod';

/**
 * What BTCPay's Greenfield API answers, as schemas: every response body is
 * `unknown` until one of these has parsed it. Fields BTCPay added over the
 * versions are optional so older servers still fit; objects BTCPay may extend
 * keep their unknown fields.
 */

const nullableString = z.string().nullable().optional();

/** An API key as BTCPay returns it (`ApiKeyData`); `userId` is not included. */
export const ApiKeyData = z.object({
  apiKey: z.string().min(1),
  label: z
    .string()
    .nullable()
    .optional()
    .transform((label) => label ?? ''),
  permissions: z
    .array(z.string())
    .nullable()
    .optional()
    .transform((permissions) => permissions ?? []),
});
/** An API key with its label and granted permissions. */
export type ApiKeyData = z.infer<typeof ApiKeyData>;

/** `GET /api/v1/health`: whether the server's node is synchronised. */
export const Health = z.object({ synchronized: z.boolean() });
/** The anonymous health answer. */
export type Health = z.infer<typeof Health>;

const SyncStatus = z.looseObject({
  paymentMethodId: z.string().optional(),
  available: z.boolean().optional(),
  chainHeight: z.number().nullable().optional(),
  syncHeight: z.number().nullable().optional(),
  nodeInformation: z
    .looseObject({
      headers: z.number().optional(),
      blocks: z.number().optional(),
      verificationProgress: z.number().optional(),
    })
    .nullable()
    .optional(),
});

/** `GET /api/v1/server/info`: the version gates what the app offers. */
export const ServerInfo = z.looseObject({
  version: z.string().min(1),
  onion: nullableString,
  supportedPaymentMethods: z.array(z.string()).optional(),
  fullySynched: z.boolean().optional(),
  syncStatus: z.array(SyncStatus).optional(),
});
/** The server's version and sync state. */
export type ServerInfo = z.infer<typeof ServerInfo>;

/** `GET /api/v1/users/me` (`ApplicationUserData`); new fields are kept. */
export const ApplicationUserData = z.looseObject({
  id: z.string().min(1),
  email: nullableString,
  name: nullableString,
  imageUrl: nullableString,
  invitationUrl: nullableString,
  emailConfirmed: z.boolean().optional(),
  requiresEmailConfirmation: z.boolean().optional(),
  approved: z.boolean().optional(),
  requiresApproval: z.boolean().optional(),
  roles: z.array(z.string()).nullable().optional(),
  created: z.number().nullable().optional(),
  disabled: z.boolean().optional(),
  storeQuota: z.number().nullable().optional(),
});
/** The profile of the user who owns the key. */
export type ApplicationUserData = z.infer<typeof ApplicationUserData>;

/** One store of `GET /api/v1/stores`; BTCPay's many extra fields are kept. */
export const StoreData = z.looseObject({
  id: z.string().min(1),
  name: z.string(),
  website: nullableString,
  defaultCurrency: nullableString,
  archived: z.boolean().optional(),
  speedPolicy: nullableString,
});
/** A store the key and the user's store role both let it see. */
export type StoreData = z.infer<typeof StoreData>;

/** The stores list; it may legitimately be empty. */
export const StoreList = z.array(StoreData);

/** One policy of `GET /misc/permissions` with every policy it includes. */
export const PermissionMetadata = z.object({
  name: z.string().min(1),
  included: z.array(z.string()),
});
/** A policy and its transitive descendants, as the live server knows them. */
export type PermissionMetadata = z.infer<typeof PermissionMetadata>;

/** The whole `/misc/permissions` answer. */
export const PermissionMetadataList = z.array(PermissionMetadata);

/** BTCPay's `{code, message}` error body (400, 401, 403, 404). */
export const GreenfieldErrorBody = z.looseObject({
  code: z.string(),
  message: z.string().optional().default(''),
  missingPermission: z.string().optional(),
});
/** A Greenfield error answer. */
export type GreenfieldErrorBody = z.infer<typeof GreenfieldErrorBody>;

/** BTCPay's 422 body: an array of field errors. */
export const ValidationErrorBody = z.array(
  z.looseObject({
    path: z.string().nullable().optional(),
    message: z.string().optional().default(''),
  }),
);
/** The field errors of a 422 answer. */
export type ValidationErrorBody = z.infer<typeof ValidationErrorBody>;
