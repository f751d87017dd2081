import { z } from 'zod';
import { KeyView } from './views';

/**
 * What main pushes to the UI without being asked: authorize and verify
 * progress, deep-link requests, clipboard clearing, inventory changes.
 */

/** The outcome of an authorize flow: what was asked and what BTCPay gave. */
export const AuthorizeOutcome = z.object({
  key: KeyView,
  requested: z.array(z.string()),
  granted: z.array(z.string()),
  /** Asked for but not granted (the user unticked them or BTCPay dropped them). */
  missing: z.array(z.string()),
  /** Granted without being asked for. */
  extra: z.array(z.string()),
  /** Older keys for the same server and app, offered for revocation. */
  olderKeyIds: z.array(z.string()),
});
export type AuthorizeOutcome = z.infer<typeof AuthorizeOutcome>;

export const AuthorizeStage = z.enum([
  'waiting',
  'verifying',
  'done',
  'failed',
  'cancelled',
  'timeout',
]);
export type AuthorizeStage = z.infer<typeof AuthorizeStage>;

export const AppEvent = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('authorize'),
    flowId: z.string(),
    stage: AuthorizeStage,
    message: z.string(),
    outcome: AuthorizeOutcome.nullable(),
  }),
  z.object({
    type: z.literal('verify'),
    done: z.number().int(),
    total: z.number().int(),
    keyId: z.string().nullable(),
  }),
  z.object({ type: z.literal('deepLink'), pending: z.number().int() }),
  z.object({
    type: z.literal('clipboard'),
    state: z.enum(['copied', 'cleared']),
    keyId: z.string(),
  }),
  z.object({ type: z.literal('inventoryChanged') }),
]);
export type AppEvent = z.infer<typeof AppEvent>;
