import { request } from 'node:http';

/**
 * A raw HTTP client for poking the callback receiver the way a browser, a
 * hostile page or a local process could: any method, any Host header, any
 * body, sent as slowly as wanted.
 */

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface RawRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Sends the body in two halves with this pause between them. */
  pauseMidBodyMs?: number;
}

/** Sends one request and reads the whole answer (or the connection's end). */
export function sendRaw(options: RawRequest): Promise<RawAnswer> {
  const target = new URL(options.url);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: target.hostname.replace(/^\[|\]$/g, ''),
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: options.method ?? 'POST',
        headers: { Connection: 'close', ...options.headers },
        agent: false,
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () =>
          resolve({
            status: incoming.statusCode ?? 0,
            headers: incoming.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        incoming.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    writeBody(outgoing, options);
  });
}

function writeBody(
  outgoing: ReturnType<typeof request>,
  options: RawRequest,
): void {
  const body = options.body ?? '';
  if (options.pauseMidBodyMs === undefined) {
    outgoing.end(body);
    return;
  }
  const half = Math.floor(body.length / 2);
  outgoing.write(body.slice(0, half));
  const later = setTimeout(() => {
    if (!outgoing.destroyed) outgoing.end(body.slice(half));
  }, options.pauseMidBodyMs);
  outgoing.on('close', () => clearTimeout(later));
}

/** A form body shaped like the one BTCPay's authorize page posts. */
export function callbackForm(fields: {
  apiKey?: string;
  userId?: string;
  permissions?: string[];
}): string {
  const form = new URLSearchParams();
  if (fields.apiKey !== undefined) form.append('apiKey', fields.apiKey);
  if (fields.userId !== undefined) form.append('userId', fields.userId);
  for (const permission of fields.permissions ?? []) {
    form.append('permissions[]', permission);
  }
  form.append('__RequestVerificationToken', 'CfDJ8-anti-forgery-token');
  return form.toString();
}

export const FORM_TYPE = {
  'Content-Type': 'application/x-www-form-urlencoded',
};
