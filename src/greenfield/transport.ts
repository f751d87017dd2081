import type { Dispatcher } from 'undici';
import type { Logger } from '../log/logger';
import { GreenfieldError, type TlsProblem } from './errors';
import { loadUndici } from './undici';

/**
 * One HTTP exchange with BTCPay Server on undici: a deadline and the caller's
 * abort signal on every request, redirects never followed, no retries, and
 * every way the connection can fail turned into a {@link GreenfieldError}.
 */

/** What the client asks the transport to send. */
export interface OutgoingRequest {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  /** The route with placeholders, the only form of the path that is logged. */
  route: string;
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  timeoutMs: number;
  dispatcher?: Dispatcher;
  logger: Logger;
}

/** A complete answer, body read as text. */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  contentType: string;
  text: string;
}

// BTCPay's answers for these endpoints are a few kilobytes; a large answer is
// not BTCPay and must not fill the app's memory.
const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** Sends one request and reads the whole answer; never retries. */
export async function send(outgoing: OutgoingRequest): Promise<RawResponse> {
  const { logger, route, method } = outgoing;
  if (outgoing.signal?.aborted) throw abortedError();

  const deadline = AbortSignal.timeout(outgoing.timeoutMs);
  const signal = outgoing.signal
    ? AbortSignal.any([outgoing.signal, deadline])
    : deadline;
  const host = new URL(outgoing.url).host;
  const started = Date.now();

  try {
    const { request } = await loadUndici();
    const answer = await request(outgoing.url, {
      method,
      headers: outgoing.headers,
      body: outgoing.body,
      signal,
      ...(outgoing.dispatcher ? { dispatcher: outgoing.dispatcher } : {}),
    });
    const text = await readBody(answer.body);
    const contentType = headerValue(answer.headers['content-type']);
    logger.debug(
      { method, route, status: answer.statusCode, ms: Date.now() - started },
      'greenfield answer',
    );
    return {
      status: answer.statusCode,
      headers: answer.headers,
      contentType,
      text,
    };
  } catch (failure) {
    const error = transportError(failure, {
      host,
      userAborted: outgoing.signal?.aborted === true,
      timedOut: deadline.aborted,
      timeoutMs: outgoing.timeoutMs,
    });
    logger.info(
      { method, route, kind: error.kind, causeCode: error.causeCode },
      'greenfield request failed',
    );
    throw error;
  }
}

async function readBody(body: AsyncIterable<Buffer | string>): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += bytes.length;
    if (size > MAX_BODY_BYTES) {
      throw new GreenfieldError('not-btcpay', {
        message:
          'The server sent a far larger answer than BTCPay Server ever does.',
        nextStep: 'Check that the address is your BTCPay Server.',
      });
    }
    chunks.push(bytes);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The first value of a header, lower-cased, or ''. */
export function headerValue(value: string | string[] | undefined): string {
  const first = Array.isArray(value) ? value[0] : value;
  return (first ?? '').toLowerCase();
}

interface FailureContext {
  host: string;
  userAborted: boolean;
  timedOut: boolean;
  timeoutMs: number;
}

function transportError(
  failure: unknown,
  context: FailureContext,
): GreenfieldError {
  if (failure instanceof GreenfieldError) return failure;
  if (context.userAborted) return abortedError();

  const code = errorCode(failure);
  if (context.timedOut || TIMEOUT_CODES.has(code ?? '')) {
    return timeoutError(context, code);
  }
  const tlsProblem = classifyTls(code);
  if (tlsProblem) return tlsError(tlsProblem, context.host, code);
  if (code && NETWORK_MESSAGES[code]) {
    return new GreenfieldError('network', {
      message: NETWORK_MESSAGES[code](context.host),
      nextStep:
        'Check the address, that the server is running and that this ' +
        'computer is online, then try again.',
      causeCode: code,
    });
  }
  // Anything else is a bug in the request we built, not a network problem.
  throw failure;
}

function errorCode(failure: unknown): string | undefined {
  if (typeof failure !== 'object' || failure === null) return undefined;
  const { code, errors, cause } = failure as {
    code?: unknown;
    errors?: unknown;
    cause?: unknown;
  };
  if (typeof code === 'string') return code;
  // Node's happy-eyeballs connect reports each address in an AggregateError.
  if (Array.isArray(errors) && errors.length > 0) return errorCode(errors[0]);
  return cause === undefined ? undefined : errorCode(cause);
}

function abortedError(): GreenfieldError {
  return new GreenfieldError('aborted', {
    message: 'The request to BTCPay Server was cancelled.',
    nextStep: 'Start it again when you are ready.',
  });
}

const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

function timeoutError(
  context: FailureContext,
  code: string | undefined,
): GreenfieldError {
  const seconds = Math.round(context.timeoutMs / 100) / 10;
  return new GreenfieldError('timeout', {
    message: `${context.host} did not answer within ${seconds} seconds.`,
    nextStep:
      'The server may be busy or unreachable from here. Check the address ' +
      'and try again in a moment.',
    ...(code ? { causeCode: code } : {}),
  });
}

const NETWORK_MESSAGES: Record<string, (host: string) => string> = {
  ECONNREFUSED: (host) =>
    `Nothing answers at ${host}: the connection was refused.`,
  ENOTFOUND: (host) => `The name ${host} could not be found (DNS).`,
  EAI_AGAIN: (host) =>
    `The name ${host} could not be looked up right now (DNS).`,
  ECONNRESET: (host) => `The connection to ${host} was cut off.`,
  EPIPE: (host) => `The connection to ${host} was cut off.`,
  UND_ERR_SOCKET: (host) => `The connection to ${host} was cut off.`,
  UND_ERR_CLOSED: (host) => `The connection to ${host} was closed.`,
  EHOSTUNREACH: (host) => `${host} cannot be reached from this computer.`,
  ENETUNREACH: (host) =>
    `${host} cannot be reached: this computer seems to be offline.`,
};

const TLS_CODES: Record<string, TlsProblem> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed',
  CERT_HAS_EXPIRED: 'expired',
  CERT_NOT_YET_VALID: 'not-yet-valid',
  ERR_TLS_CERT_ALTNAME_INVALID: 'wrong-host',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'untrusted-issuer',
  UNABLE_TO_GET_ISSUER_CERT: 'untrusted-issuer',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'untrusted-issuer',
  CERT_UNTRUSTED: 'untrusted-issuer',
  CERT_REVOKED: 'revoked',
  ERR_SSL_WRONG_VERSION_NUMBER: 'not-tls',
  EPROTO: 'not-tls',
};

function classifyTls(code: string | undefined): TlsProblem | undefined {
  if (!code) return undefined;
  if (TLS_CODES[code]) return TLS_CODES[code];
  if (/^(ERR_SSL_|ERR_TLS_|CERT_)/.test(code)) return 'other';
  return undefined;
}

const TLS_MESSAGES: Record<TlsProblem, string> = {
  'self-signed': 'uses a self-signed certificate, which cannot be verified',
  expired: 'uses an expired certificate',
  'not-yet-valid': 'uses a certificate that is not valid yet',
  'wrong-host': 'uses a certificate issued for a different address',
  'untrusted-issuer':
    'uses a certificate from an issuer this computer does not trust ' +
    '(often a missing intermediate certificate)',
  revoked: 'uses a revoked certificate',
  'not-tls': 'does not speak https on this address',
  other: 'failed the secure (TLS) connection check',
};

function tlsError(
  problem: TlsProblem,
  host: string,
  code: string | undefined,
): GreenfieldError {
  const nextStep =
    problem === 'not-tls'
      ? 'Check the port, or use http:// only if the server is on your own ' +
        'network.'
      : problem === 'not-yet-valid' || problem === 'expired'
        ? "Check this computer's clock; if it is right, the server's " +
          'certificate must be renewed.'
        : 'Ask whoever runs the server to install a valid certificate ' +
          "(for example Let's Encrypt). Nothing was sent to the server.";
  return new GreenfieldError('tls', {
    message: `${host} ${TLS_MESSAGES[problem]}.`,
    nextStep,
    tlsProblem: problem,
    ...(code ? { causeCode: code } : {}),
  });
}
