import { loadUndici } from '../greenfield/undici';
import type { LoopbackRedirect } from './redirect';

/**
 * Hands the result of a deep-link request back to the requesting app: a form
 * POST to its loopback callback with the fields BTCPay's own authorize page
 * sends, so an integrator's existing BTCPay callback handler works unchanged.
 */

/** A key for the requester, as BTCPay would post it. */
export interface GrantedKey {
  apiKey: string;
  userId: string | null;
  permissions: string[];
  server: string;
}

/** Every `error` a requester can receive; the protocol document lists them. */
export const DELEGATION_ERROR_CODES = [
  'access_denied',
  'invalid_request',
  'server_error',
  'timeout',
] as const;

/** Why the requester gets no key. */
export type DelegationErrorCode = (typeof DELEGATION_ERROR_CODES)[number];

export type DeliveryPayload =
  | { kind: 'key'; key: GrantedKey; state: string | null }
  | {
      kind: 'error';
      error: DelegationErrorCode;
      description: string;
      state: string | null;
    };

/** What happened to a delivery; never carries the key. */
export type DeliveryOutcome =
  | { delivered: true; status: number }
  | { delivered: false; status: number | null; reason: string };

/** How long a delivery may take before it counts as failed. */
export const DELIVERY_TIMEOUT_MS = 10_000;

/** Encodes the form body exactly as BTCPay's auto-submitted form would. */
export function deliveryForm(payload: DeliveryPayload): string {
  const form = new URLSearchParams();
  if (payload.kind === 'key') {
    form.append('apiKey', payload.key.apiKey);
    if (payload.key.userId !== null) form.append('userId', payload.key.userId);
    for (const permission of payload.key.permissions) {
      form.append('permissions[]', permission);
    }
    form.append('server', payload.key.server);
  } else {
    form.append('error', payload.error);
    form.append('error_description', payload.description);
  }
  if (payload.state !== null) form.append('state', payload.state);
  return form.toString();
}

/**
 * Posts the payload to the requester's callback. Any HTTP answer below 400
 * counts as delivered; redirects are never followed (the key must not travel
 * on to wherever a callback points).
 */
export async function deliverToRequester(
  redirect: LoopbackRedirect,
  payload: DeliveryPayload,
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<DeliveryOutcome> {
  const timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  const signals = [AbortSignal.timeout(timeoutMs)];
  if (options.signal) signals.push(options.signal);
  try {
    const { request } = await loadUndici();
    const response = await request(redirect.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: deliveryForm(payload),
      signal: AbortSignal.any(signals),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    // Drain without reading: the answer is the requester's business.
    await response.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
    if (response.statusCode < 400) {
      return { delivered: true, status: response.statusCode };
    }
    return {
      delivered: false,
      status: response.statusCode,
      reason: `The app's callback answered HTTP ${response.statusCode}.`,
    };
  } catch (error) {
    return { delivered: false, status: null, reason: describeFailure(error) };
  }
}

function describeFailure(error: unknown): string {
  const code = (error as { code?: string } | null)?.code ?? '';
  const name = (error as { name?: string } | null)?.name ?? '';
  if (code === 'ECONNREFUSED') {
    return "Nothing is listening on the app's callback port: the app may have closed or timed out.";
  }
  if (name === 'TimeoutError' || code.includes('TIMEOUT')) {
    return "The app's callback did not answer in time.";
  }
  if (name === 'AbortError') return 'The delivery was cancelled.';
  return `The app's callback could not be reached (${code || name || 'unknown error'}).`;
}
