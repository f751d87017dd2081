import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Logger } from '../log/logger';
import type { ReceivedCallback } from './receiver';

/**
 * How the callback receiver judges and answers each request: the checks
 * made before a body is read, the capped form reader, and the short static
 * answers that reflect nothing and load nothing.
 */

// Headers on every answer: nothing is cached, nothing leaks the callback URL
// as a Referer, and the page can load nothing from anywhere.
const SAFE_HEADERS = {
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': "default-src 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
} as const;

/** The page shown once the real key arrived. */
export const RECEIVED_PAGE = `<!doctype html>
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

/** A plain error answer and the reason logged for it. */
export type Refusal = { status: number; text: string; reason: string };

/** Every way a request is refused. */
export const refusals = {
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

/** What a request must match to be read. */
export type RequestGate = {
  hostHeader: string;
  callbackPath: string;
  expectedOrigin: string | undefined;
};

/** Checks everything knowable before the body; undefined means "read it". */
export function checkRequest(
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
export function readForm(
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

/** Answers a refused request and logs only the reason. */
export function refuse(
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
  answer(
    response,
    refusal.status,
    'text/plain; charset=utf-8',
    `${refusal.text}\n`,
  );
  if (unread) response.on('finish', () => request.socket.destroy());
}

/** Sends a short answer with the headers every answer carries. */
export function answer(
  response: ServerResponse,
  status: number,
  contentType: string,
  text: string,
): void {
  if (response.headersSent) return;
  response.writeHead(status, {
    ...SAFE_HEADERS,
    // One request per connection: the receiver closes right after the real
    // callback, and a kept-alive socket would hold it open.
    Connection: 'close',
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(text),
  });
  response.end(text);
}
