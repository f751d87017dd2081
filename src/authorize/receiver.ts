import { randomBytes } from 'node:crypto';
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import {
  answer,
  checkRequest,
  readForm,
  RECEIVED_PAGE,
  refusals,
  refuse,
  type RequestGate,
} from './receiver-http';
import type { AddressInfo } from 'node:net';
import { silentLogger, type Logger } from '../log/logger';

/**
 * The loopback receiver BTCPay's authorize page posts the new key to.
 *
 * BTCPay delivers the key itself (no code, no state, no signature) as an
 * auto-submitted HTML form, so this receiver is the only guard: it listens on
 * the loopback address only, on an unguessable one-time path, accepts nothing
 * but that form, ignores everything else while it keeps waiting, and closes
 * as soon as one valid callback has arrived.
 */

/** What the receiver ended with. */
export type CallbackResult =
  | {
      outcome: 'received';
      /** The key as posted; unverified until the server confirms it. */
      apiKey: string;
      /** The BTCPay user id as posted, or null when the field is missing. */
      userId: string | null;
      /** Every `permissions[]` value, in order; [] when the key has none. */
      permissions: string[];
    }
  | { outcome: 'timeout' }
  | { outcome: 'cancelled' };

/** A well-formed callback, before anyone has vouched for its key. */
export type ReceivedCallback = Omit<
  Extract<CallbackResult, { outcome: 'received' }>,
  'outcome'
>;

/** Options of {@link startCallbackReceiver}. */
export interface CallbackReceiverOptions {
  /** How long to wait for the callback: 10 minutes unless told. */
  timeoutMs?: number;
  /** Largest form body accepted: 16 KiB unless told. */
  maxBodyBytes?: number;
  /** Time a client gets to send its request headers. */
  headersTimeoutMs?: number;
  /** Time a client gets to send its body once the headers are in. */
  bodyTimeoutMs?: number;
  /**
   * The BTCPay server's origin. Browsers send `Origin: null` for BTCPay's
   * no-referrer form; an Origin that is neither null nor this is refused.
   */
  expectedOrigin?: string;
  /**
   * Decides whether a well-formed callback is the real one (the flow asks
   * the server). A refused key gets an error page and the receiver keeps
   * waiting, so a forged post cannot end the flow. Every well-formed
   * callback is accepted when this is absent.
   */
  acceptCallback?: (callback: ReceivedCallback) => Promise<boolean>;
  /** Aborting it cancels the wait. */
  signal?: AbortSignal;
  logger?: Logger;
}

/** A running receiver. */
export interface CallbackReceiver {
  /** The `redirect` to give BTCPay: `http://127.0.0.1:PORT/callback/TOKEN`. */
  redirectUrl: string;
  port: number;
  /** `127.0.0.1`, or `::1` when IPv4 loopback was not available. */
  host: string;
  /** Settles once: the first valid callback, the timeout or a cancel. */
  result: Promise<CallbackResult>;
  /** Stops waiting; `result` becomes `cancelled` unless already settled. */
  cancel(): void;
  /** Cancels if still waiting, and resolves once the port is closed. */
  close(): Promise<void>;
}

/** How long a receiver waits for BTCPay's callback when not told: 10 minutes. */
export const DEFAULT_CALLBACK_TIMEOUT_MS = 600_000;
const DEFAULT_MAX_BODY_BYTES = 16 * 1024;
const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;
const DEFAULT_BODY_TIMEOUT_MS = 10_000;

/** How long answers already written get to leave before sockets are cut. */
const CLOSE_GRACE_MS = 500;

/** 256 random bits: far beyond guessing, and it doubles as the flow's state. */
const TOKEN_BYTES = 32;

/** Starts a receiver on a fresh loopback port and a fresh random path. */
export async function startCallbackReceiver(
  options: CallbackReceiverOptions = {},
): Promise<CallbackReceiver> {
  const logger = options.logger ?? silentLogger;
  const limits = {
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    bodyTimeoutMs: options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS,
  };
  const headersTimeoutMs =
    options.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS;
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  const callbackPath = `/callback/${token}`;

  const server = createServer({
    headersTimeout: headersTimeoutMs,
    requestTimeout: headersTimeoutMs + limits.bodyTimeoutMs,
    // Node checks the two limits above only this often.
    connectionsCheckingInterval: Math.min(1_000, headersTimeoutMs),
    maxHeaderSize: 16 * 1024,
  });
  const bound = await listenOnLoopback(server);
  const hostHeader =
    bound.host === '::1' ? `[::1]:${bound.port}` : `127.0.0.1:${bound.port}`;
  const waiting = waitOnce(server, options, logger);
  const gate: RequestGate = {
    hostHeader,
    callbackPath,
    expectedOrigin: options.expectedOrigin,
  };
  server.on('request', (request: IncomingMessage, response: ServerResponse) =>
    handleRequest(request, response, {
      gate,
      limits,
      waiting,
      options,
      logger,
    }),
  );

  logger.info(
    { host: bound.host, port: bound.port },
    'authorize callback receiver listening',
  );
  return {
    redirectUrl: `http://${hostHeader}${callbackPath}`,
    port: bound.port,
    host: bound.host,
    result: waiting.result,
    cancel: waiting.cancel,
    close: async () => {
      waiting.cancel();
      await waiting.closed;
    },
  };
}

type Waiting = {
  result: Promise<CallbackResult>;
  /** Settles the result unless already settled, then closes the port. */
  finish: (outcome: CallbackResult) => void;
  cancel: () => void;
  isSettled: () => boolean;
  /** Resolves once the port is closed. */
  closed: Promise<void>;
};

/** The one-shot wait: the first of callback, timeout or cancel wins. */
function waitOnce(
  server: Server,
  options: CallbackReceiverOptions,
  logger: Logger,
): Waiting {
  let settle: (result: CallbackResult) => void = () => {};
  const result = new Promise<CallbackResult>((resolve) => {
    settle = resolve;
  });
  let settled = false;
  let markClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    markClosed = resolve;
  });

  const finish = (outcome: CallbackResult): void => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', cancel);
    logger.info(
      { outcome: outcome.outcome },
      'authorize callback receiver finished',
    );
    settle(outcome);
    server.close(() => markClosed());
    server.closeIdleConnections();
    // A client still sending (or stalling) must not hold the port open; the
    // grace lets the answer just written reach the browser first.
    setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS).unref();
  };
  const cancel = (): void => finish({ outcome: 'cancelled' });

  const timer = setTimeout(
    () => finish({ outcome: 'timeout' }),
    options.timeoutMs ?? DEFAULT_CALLBACK_TIMEOUT_MS,
  );
  if (options.signal?.aborted) cancel();
  else options.signal?.addEventListener('abort', cancel, { once: true });
  return { result, finish, cancel, isSettled: () => settled, closed };
}

type RequestContext = {
  gate: RequestGate;
  limits: { maxBodyBytes: number; bodyTimeoutMs: number };
  waiting: Waiting;
  options: CallbackReceiverOptions;
  logger: Logger;
};

/** Refuses anything but the real callback; settles on the one accepted. */
function handleRequest(
  request: IncomingMessage,
  response: ServerResponse,
  { gate, limits, waiting, options, logger }: RequestContext,
): void {
  const refusal = checkRequest(request, gate);
  if (refusal !== undefined) {
    refuse(request, response, refusal, logger);
    return;
  }
  readForm(request, limits)
    .then(async (read) => {
      if ('status' in read) return refuse(request, response, read, logger);
      if (waiting.isSettled()) {
        return refuse(request, response, refusals.done, logger);
      }
      const accepted = options.acceptCallback
        ? await options.acceptCallback(read).catch(() => false)
        : true;
      if (waiting.isSettled()) {
        return refuse(request, response, refusals.done, logger);
      }
      if (!accepted) return refuse(request, response, refusals.key, logger);
      answer(response, 200, 'text/html; charset=utf-8', RECEIVED_PAGE);
      waiting.finish({ outcome: 'received', ...read });
    })
    .catch(() => refuse(request, response, refusals.form, logger));
}

/** Binds 127.0.0.1 on a free port, or [::1] where IPv4 loopback is missing. */
async function listenOnLoopback(
  server: Server,
): Promise<{ host: string; port: number }> {
  try {
    return await listen(server, '127.0.0.1');
  } catch (error) {
    if (!isAddressUnavailable(error)) throw error;
    return listen(server, '::1');
  }
}

function listen(
  server: Server,
  host: string,
): Promise<{ host: string; port: number }> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen({ host, port: 0, exclusive: true }, () => {
      server.off('error', onError);
      const address = server.address() as AddressInfo;
      resolve({ host, port: address.port });
    });
  });
}

function isAddressUnavailable(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT';
}
