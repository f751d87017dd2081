import type { z } from 'zod';
import { GreenfieldError } from './errors';
import { GreenfieldErrorBody } from './schemas';
import { readBody, type Body, type Exchange } from './exchange';
import {
  missingPermissionError,
  rateLimitedError,
  validationError,
} from './refusals';
import { unauthorizedError } from './unauthorized';
import { headerValue, type RawResponse } from './transport';

/**
 * Turns BTCPay's answers into typed values or {@link GreenfieldError}s. The
 * status and BTCPay's `code` decide; message text is read only for 401s (see
 * server-messages.ts).
 */

/** Parses a 2xx answer with `schema`, or explains why it cannot be used. */
export function parseAnswer<Schema extends z.ZodType>(
  raw: RawResponse,
  schema: Schema,
  exchange: Exchange,
): z.output<Schema> {
  if (raw.status < 200 || raw.status >= 300) {
    throw errorFromAnswer(raw, exchange);
  }
  const body = readBody(raw);
  if (body.type !== 'json') throw unreadableSuccess(raw, body);

  const parsed = schema.safeParse(body.value);
  if (!parsed.success) {
    throw invalidResponse(
      raw.status,
      'The server answered, but not in the form BTCPay Server uses.',
    );
  }
  return parsed.data;
}

/**
 * Accepts the empty 2xx answer BTCPay gives its DELETEs. Any body at all (a web
 * page, JSON, broken JSON) is refused: something other than BTCPay answered,
 * so the change must not be reported as done.
 */
export function expectNoContent(raw: RawResponse, exchange: Exchange): void {
  if (raw.status < 200 || raw.status >= 300) {
    throw errorFromAnswer(raw, exchange);
  }
  const body = readBody(raw);
  if (body.type === 'empty') return;
  if (body.type === 'html' || body.type === 'other') {
    throw unreadableSuccess(raw, body);
  }
  throw new GreenfieldError('invalid-response', {
    message:
      body.type === 'json'
        ? 'The server answered with content where BTCPay Server answers ' +
          'with nothing, so it is not certain the change was made.'
        : 'The server sent a damaged answer (broken JSON), so it is not ' +
          'certain the change was made.',
    nextStep:
      'Check the key list on the server (Account → API Keys in BTCPay) and ' +
      'try again; if the address is not your BTCPay Server, correct it.',
    status: raw.status,
  });
}

function unreadableSuccess(raw: RawResponse, body: Body): GreenfieldError {
  if (body.type === 'broken-json') {
    return invalidResponse(
      raw.status,
      'The server sent a damaged answer (broken JSON).',
    );
  }
  return notBtcpay(
    raw.status,
    body.type === 'html'
      ? 'The address answered with a web page instead of BTCPay Server’s API.'
      : 'The address answered, but not with the JSON BTCPay Server sends.',
  );
}

/** Explains a non-2xx answer. */
export function errorFromAnswer(
  raw: RawResponse,
  exchange: Exchange,
): GreenfieldError {
  const { status } = raw;
  if (status >= 300 && status < 400) return redirectError(raw);
  if (status >= 500) return serverError(raw, exchange);

  const body = readBody(raw);
  if (status === 404 && exchange.probe) {
    return notBtcpay(
      status,
      'This address has no BTCPay Server health check (404).',
    );
  }
  if (status === 422) return validationError(raw, body, exchange);
  if (body.type !== 'json') return unreadableError(raw, body, exchange);

  const parsed = GreenfieldErrorBody.safeParse(body.value);
  if (!parsed.success) {
    return invalidResponse(status, `The server refused (HTTP ${status}).`);
  }
  const error = parsed.data;
  if (status === 401) return unauthorizedError(error, exchange, raw);
  if (status === 403) return missingPermissionError(error);
  if (status === 404 || error.code === 'apikey-not-found') {
    return notFoundError(error, status);
  }
  if (status === 429) return rateLimitedError(raw, exchange);
  return new GreenfieldError('validation', {
    message: `BTCPay Server refused the request: ${error.message || error.code}`,
    nextStep: 'Check what you entered and try again.',
    status,
    code: error.code,
    serverMessage: error.message,
  });
}

function unreadableError(
  raw: RawResponse,
  body: Body,
  exchange: Exchange,
): GreenfieldError {
  if (raw.status === 429) return rateLimitedError(raw, exchange);
  if (body.type === 'broken-json') {
    return invalidResponse(raw.status, 'The server sent broken JSON.');
  }
  return notBtcpay(
    raw.status,
    `The address answered HTTP ${raw.status} without BTCPay Server’s ` +
      'error format; it may not be BTCPay Server, or not this version.',
  );
}

function redirectError(raw: RawResponse): GreenfieldError {
  const location = headerValue(raw.headers['location']);
  // Only the target's origin is shown: the path of a redirected request can
  // carry the API key being revoked.
  let target = '';
  let toLogin = false;
  try {
    const url = new URL(location, 'http://placeholder.invalid');
    target = location.includes('://') ? url.origin : '';
    toLogin = /\/(account\/)?login/i.test(url.pathname);
  } catch {
    // An unreadable Location is treated like one without a target.
  }
  const message = toLogin
    ? 'The address sends API requests to a login page, so it is not ' +
      'BTCPay Server’s API (or something in front of it asks for a login).'
    : `The address redirects elsewhere${target ? ` (to ${target})` : ''}.`;
  return notBtcpay(
    raw.status,
    message,
    target
      ? `If ${target} is your BTCPay Server, use that address instead.`
      : undefined,
  );
}

function serverError(raw: RawResponse, exchange: Exchange): GreenfieldError {
  const body = readBody(raw);
  const parsed =
    body.type === 'json' ? GreenfieldErrorBody.safeParse(body.value) : null;
  if (exchange.probe && !parsed?.success) return bareProbeServerError(raw);
  return new GreenfieldError('server-error', {
    message: `BTCPay Server had an internal problem (HTTP ${raw.status}).`,
    nextStep:
      'Try again later. If it keeps happening, the server’s logs say why; ' +
      'tell whoever runs it.',
    status: raw.status,
    code: parsed?.success ? parsed.data.code : null,
    ...(parsed?.success && parsed.data.message
      ? { serverMessage: parsed.data.message }
      : {}),
  });
}

/**
 * A 5xx without BTCPay's error body from the health probe, the check that
 * tells whether an address is BTCPay Server at all. BTCPay's own 5xx can be
 * bare too (an unhandled exception, a proxy in front of it), so both
 * readings are said.
 */
function bareProbeServerError(raw: RawResponse): GreenfieldError {
  return new GreenfieldError('server-error', {
    message:
      `The address answered HTTP ${raw.status} without BTCPay Server’s ` +
      'error format; it may not be BTCPay Server, or it is and had an ' +
      'internal problem.',
    nextStep:
      'Check the address: open it in a browser and copy the address of ' +
      'your BTCPay Server’s login page, without "/login". If it is your ' +
      'BTCPay Server, try again later; its logs say why.',
    status: raw.status,
    code: null,
  });
}

function notFoundError(
  error: GreenfieldErrorBody,
  status: number,
): GreenfieldError {
  const what =
    error.code === 'user-not-found'
      ? 'BTCPay Server has no user with this id or email.'
      : error.code === 'apikey-not-found'
        ? 'This API key does not exist on the server, or it belongs to ' +
          'another user.'
        : `BTCPay Server could not find it: ${error.message || error.code}`;
  return new GreenfieldError('not-found', {
    message: what,
    nextStep:
      error.code === 'apikey-not-found'
        ? 'It may already be revoked. Check the key list in BTCPay ' +
          '(Account → API Keys).'
        : 'Check the user’s email or id and try again.',
    status,
    code: error.code,
    serverMessage: error.message,
  });
}

/** The answer did not fit the schema BTCPay's answers have. */
export function invalidResponse(
  status: number | null,
  message: string,
): GreenfieldError {
  return new GreenfieldError('invalid-response', {
    message,
    nextStep:
      'Check that the address is your BTCPay Server. If it is, the server ' +
      'may be a version this app does not know yet.',
    status,
  });
}

/** The address is not (or not only) BTCPay Server's API. */
export function notBtcpay(
  status: number | null,
  message: string,
  nextStep?: string,
): GreenfieldError {
  return new GreenfieldError('not-btcpay', {
    message,
    nextStep:
      nextStep ??
      'Check the address: open it in a browser and copy the address of ' +
        'your BTCPay Server’s login page, without "/login".',
    status,
  });
}
