import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The requesting side of a deep link, as an integrator's app would write it:
 * listen on a loopback port, open `btcpay-keys://authorize?...` with a fresh
 * `state`, and wait for the form BTCPay Key Manager posts back. Kept small and
 * dependency-free on purpose: it is the reference integrators read.
 */

/** What the requesting app asks for. */
export interface KeyRequestOptions {
  server: string;
  permissions?: string[];
  applicationName?: string;
  applicationIdentifier?: string;
  strict?: boolean;
  selectiveStores?: boolean;
  /** How long to wait for the answer (default 15 minutes). */
  timeoutMs?: number;
}

/** What came back to the requesting app. */
export type KeyRequestAnswer =
  | {
      outcome: 'key';
      apiKey: string;
      userId: string | null;
      permissions: string[];
      server: string | null;
    }
  | { outcome: 'error'; error: string; description: string | null }
  | { outcome: 'timeout' };

/** A request in flight: the link to open and the answer to wait for. */
export interface PendingKeyRequest {
  link: string;
  callbackUrl: string;
  answer: Promise<KeyRequestAnswer>;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 16 * 1024;

/** Builds the deep link for a request and a callback. */
export function buildDeepLink(
  request: KeyRequestOptions,
  callbackUrl: string | null,
  state: string | null,
): string {
  const query = new URLSearchParams({ server: request.server });
  if (request.applicationName) {
    query.append('applicationName', request.applicationName);
  }
  if (request.applicationIdentifier) {
    query.append('applicationIdentifier', request.applicationIdentifier);
  }
  for (const permission of request.permissions ?? []) {
    query.append('permissions', permission);
  }
  query.append('strict', String(request.strict ?? true));
  query.append('selectiveStores', String(request.selectiveStores ?? false));
  if (callbackUrl) query.append('redirect', callbackUrl);
  if (state) query.append('state', state);
  return `btcpay-keys://authorize?${query.toString()}`;
}

/** Starts listening and returns the link to open. */
export async function requestKey(
  request: KeyRequestOptions,
): Promise<PendingKeyRequest> {
  const state = randomBytes(32).toString('base64url');
  let settle: (answer: KeyRequestAnswer) => void = () => {};
  const answer = new Promise<KeyRequestAnswer>((resolve) => {
    settle = resolve;
  });

  const server = createServer((req, res) => {
    readAnswer(req, state)
      .then((read) => {
        res.writeHead(read ? 200 : 400, { 'content-type': 'text/plain' });
        res.end(read ? 'Received.' : 'Not a reply to our request.');
        if (read) settle(read);
      })
      .catch(() => res.writeHead(400).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const callbackUrl = `http://127.0.0.1:${port}/btcpay-keys/callback`;

  const timer = setTimeout(
    () => settle({ outcome: 'timeout' }),
    request.timeoutMs ?? 15 * 60_000,
  );
  const close = (): Promise<void> => closeServer(server, timer);
  void answer.then(close);
  return {
    link: buildDeepLink(request, callbackUrl, state),
    callbackUrl,
    answer,
    close,
  };
}

function closeServer(server: Server, timer: NodeJS.Timeout): Promise<void> {
  clearTimeout(timer);
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Reads a posted answer; null for anything that is not ours. */
async function readAnswer(
  req: IncomingMessage,
  state: string,
): Promise<KeyRequestAnswer | null> {
  const type = req.headers['content-type'] ?? '';
  if (req.method !== 'POST' || req.url !== '/btcpay-keys/callback') return null;
  if (!type.startsWith('application/x-www-form-urlencoded')) return null;
  const form = new URLSearchParams(await readBody(req));
  if (!sameState(form.get('state'), state)) return null;

  const error = form.get('error');
  if (error) {
    return {
      outcome: 'error',
      error,
      description: form.get('error_description'),
    };
  }
  const apiKey = form.get('apiKey');
  if (!apiKey) return null;
  return {
    outcome: 'key',
    apiKey,
    userId: form.get('userId'),
    permissions: form.getAll('permissions[]'),
    server: form.get('server'),
  };
}

function sameState(received: string | null, expected: string): boolean {
  if (received === null) return false;
  const a = Buffer.from(received);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function readBody(req: IncomingMessage): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
