import { z } from 'zod';

/**
 * How every operation answers: a value, or an expected failure a merchant can
 * act on. Unexpected failures are not results; they reject the call.
 */

/** Kinds of expected failure the UI tells apart. */
export const FailureKind = z.enum([
  'not-found',
  'invalid-input',
  'keychain',
  'network',
  'not-btcpay',
  'tls',
  'timeout',
  'unknown-key',
  'owner-blocked',
  'missing-permission',
  'basic-auth-refused',
  'server-error',
  'cancelled',
  'refused',
  'internal',
]);
export type FailureKind = z.infer<typeof FailureKind>;

/** An expected failure: what went wrong in plain words and what to do next. */
export const Failure = z.object({
  kind: FailureKind,
  message: z.string(),
  nextStep: z.string(),
});
export type Failure = z.infer<typeof Failure>;

/** Wraps a value schema into the `{ ok, value } | { ok, error }` answer. */
export function resultOf<T extends z.ZodType>(value: T) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }),
    z.object({ ok: z.literal(false), error: Failure }),
  ]);
}

/** A successful answer. */
export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

/** An expected failure answer. */
export function fail(
  kind: FailureKind,
  message: string,
  nextStep: string,
): { ok: false; error: Failure } {
  return { ok: false, error: { kind, message, nextStep } };
}
