import { randomBytes, timingSafeEqual } from 'node:crypto';
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
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

const DEFAULT_TIMEOUT_MS = 600_000;
const DEFAULT_MAX_BODY_BYTES = 16 * 1024;
const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;
const DEFAULT_BODY_TIMEOUT_MS = 10_000;

/** 256 random bits: far beyond guessing, and it doubles as the flow's state. */
const TOKEN_BYTES = 32;

// Headers on every answer: nothing is cached, nothing leaks the callback URL
// as a Referer, and the page can load nothing from anywhere.
const SAFE_HEADERS = {
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': "default-src 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
} as const;

const RECEIVED_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Key received</title></head>
<body>
<h1>BTCPay Key Manager received the key</h1>
<p>The API key arrived safely. You can close this tab and return to BTCPay Key Manager.</p>
<p>Do not share this page or its address.</p>
</body>
</html>
`;

/** The callback form as BTCPay posts it; everything else in it is ignored. */
const CallbackForm = z.object({
  apiKey: z
    .string()
    .min(1)
    .max(512)
    .regex(/^[\x21-\x7e]+$/, 'printable characters only'),
  userId: z.string().min(1).max(512).nullable(),
  permissions: z.array(z.string().min(1).max(512)).max(1000),
});

type Refusal = { status: number; text: string; reason: string };

const refusals = {
  host: { status: 421, text: 'Wrong host.', reason: 'wrong-host' },
  origin: { status: 403, text: 'Wrong origin.', reason: 'wrong-origin' },
  path: { status: 404, text: 'Not found.', reason: 'wrong-path' },
  method: { status: 405, text: 'Method not allowed.', reason: 'wrong-method' },
  type: {
    status: 415,
    text: 'Unsupported content type.',
    reason: 'wrong-content-type',
  },
  size: { status: 413, text: 'Body too large.', reason: 'body-too-large' },
  slow: { status: 408, text: 'Request too slow.', reason: 'body-too-slow' },
  form: { status: 400, text: 'Incomplete form.', reason: 'invalid-form' },
  done: { status: 410, text: 'Already received.', reason: 'already-settled' },
  key: {
    status: 403,
    text:
      'Your BTCPay server did not confirm this key, so BTCPay Key Manager ' +
      'did not store it. Return to BTCPay Key Manager for details.',
    reason: 'key-not-confirmed',
  },
} satisfies Record<string, Refusal>;

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

  let settle: (result: CallbackResult) => void = () => {};
  const result = new Promise<CallbackResult>((resolve) => {
    settle = resolve;
  });
  let settled = false;

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
  const redirectUrl = `http://${hostHeader}${callbackPath}`;

  let closing: Promise<void> | undefined;
  const closeServer = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    return closing;
  };

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
    void closeServer();
  };
  const cancel = (): void => finish({ outcome: 'cancelled' });

  const timer = setTimeout(
    () => finish({ outcome: 'timeout' }),
    options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  );
  if (options.signal?.aborted) cancel();
  else options.signal?.addEventListener('abort', cancel, { once: true });

  const gate: RequestGate = {
    hostHeader,
    callbackPath,
    expectedOrigin: options.expectedOrigin,
  };
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const refusal = checkRequest(request, gate);
    if (refusal !== undefined) {
      refuse(request, response, refusal, logger);
      return;
    }
    readForm(request, limits)
      .then(async (read) => {
        if ('status' in read) return refuse(request, response, read, logger);
        if (settled) return refuse(request, response, refusals.done, logger);
        const accepted = options.acceptCallback
          ? await options.acceptCallback(read).catch(() => false)
          : true;
        if (settled) return refuse(request, response, refusals.done, logger);
        if (!accepted) return refuse(request, response, refusals.key, logger);
        answer(response, 200, 'text/html; charset=utf-8', RECEIVED_PAGE);
        finish({ outcome: 'received', ...read });
      })
      .catch(() => refuse(request, response, refusals.form, logger));
  });

  logger.info(
    { host: bound.host, port: bound.port },
    'authorize callback receiver listening',
  );
  return {
    redirectUrl,
    port: bound.port,
    host: bound.host,
    result,
    cancel,
    close: async () => {
      cancel();
      await closeServer();
    },
  };
}

type RequestGate = {
  hostHeader: string;
  callbackPath: string;
  expectedOrigin: string | undefined;
};

/** Checks everything knowable before the body; undefined means "read it". */
function checkRequest(
  request: IncomingMessage,
  gate: RequestGate,
): Refusal | undefined {
  // A DNS-rebinding page reaches us under its own host name: refuse it first.
  if (request.headers.host !== gate.hostHeader) return refusals.host;
  if (!samePath(request.url ?? '', gate.callbackPath)) return refusals.path;
  if (request.method !== 'POST') return refusals.method;
  const origin = request.headers.origin;
  if (
    origin !== undefined &&
    origin !== 'null' &&
    origin !== gate.expectedOrigin
  ) {
    return refusals.origin;
  }
  const mediaType = (request.headers['content-type'] ?? '')
    .split(';')[0]
    ?.trim()
    .toLowerCase();
  if (mediaType !== 'application/x-www-form-urlencoded') return refusals.type;
  return undefined;
}

/** Compares the request path with the secret path in constant time. */
function samePath(requested: string, expected: string): boolean {
  const a = Buffer.from(requested, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  // Compare against itself on a length mismatch so the time spent does not
  // depend on how much of the token was right.
  return a.length === b.length ? timingSafeEqual(a, b) : !timingSafeEqual(b, b);
}

/** Reads the form within the size and time limits, then parses it. */
function readForm(
  request: IncomingMessage,
  limits: { maxBodyBytes: number; bodyTimeoutMs: number },
): Promise<ReceivedCallback | Refusal> {
  const declared = Number(request.headers['content-length'] ?? '0');
  if (declared > limits.maxBodyBytes) return Promise.resolve(refusals.size);

  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (outcome: Refusal): void => {
      clearTimeout(slowTimer);
      request.removeAllListeners('data');
      request.pause();
      resolve(outcome);
    };
    const slowTimer = setTimeout(
      () => stop(refusals.slow),
      limits.bodyTimeoutMs,
    );
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limits.maxBodyBytes) return stop(refusals.size);
      chunks.push(chunk);
    });
    request.on('end', () => {
      clearTimeout(slowTimer);
      resolve(parseForm(Buffer.concat(chunks).toString('utf8')));
    });
    request.on('error', (error) => {
      clearTimeout(slowTimer);
      reject(error);
    });
  });
}

/** Picks BTCPay's fields out of the form; the anti-forgery token is ignored. */
function parseForm(body: string): ReceivedCallback | Refusal {
  const form = new URLSearchParams(body);
  const parsed = CallbackForm.safeParse({
    apiKey: form.get('apiKey'),
    userId: form.get('userId') || null,
    // The field name carries the brackets literally, once per permission.
    permissions: form.getAll('permissions[]'),
  });
  return parsed.success ? parsed.data : refusals.form;
}

function refuse(
  request: IncomingMessage,
  response: ServerResponse,
  refusal: Refusal,
  logger: Logger,
): void {
  // Only the reason: the path holds the token and the body may hold a key.
  logger.warn(
    { reason: refusal.reason },
    'refused a request to the authorize callback receiver',
  );
  if (refusal === refusals.method) response.setHeader('Allow', 'POST');
  // A refused body is not read further: drop the connection after answering.
  const unread = !request.complete;
  if (unread) response.setHeader('Connection', 'close');
  answer(
    response,
    refusal.status,
    'text/plain; charset=utf-8',
    `${refusal.text}\n`,
  );
  if (unread) response.on('finish', () => request.socket.destroy());
}

function answer(
  response: ServerResponse,
  status: number,
  contentType: string,
  text: string,
): void {
  if (response.headersSent) return;
  response.writeHead(status, {
    ...SAFE_HEADERS,
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(text),
  });
  response.end(text);
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
