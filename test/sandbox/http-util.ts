import type { IncomingMessage, ServerResponse } from 'node:http';

/** A request after the server read its body and cut off the base path. */
export interface SandboxRequest {
  raw: IncomingMessage;
  method: string;
  /** Path below the base path, starting with '/'. */
  path: string;
  query: URLSearchParams;
  body: string;
  cookies: Map<string, string>;
  /** Absolute URL of the sandbox root as this client addressed it, ending in '/'. */
  baseUrl: string;
}

/** Reads the whole request body as UTF-8 text. */
export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Parses a Cookie header into name/value pairs. */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0) {
      cookies.set(
        part.slice(0, at).trim(),
        decodeURIComponent(part.slice(at + 1).trim()),
      );
    }
  }
  return cookies;
}

/** Answers with a JSON body, as Greenfield does (camelCase, UTF-8). */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

/** Answers with a status and no body at all (content-length 0). */
export function sendEmpty(response: ServerResponse, status: number): void {
  response.writeHead(status, { 'content-length': 0 });
  response.end();
}

/** Answers with an HTML page. */
export function sendHtml(
  response: ServerResponse,
  status: number,
  html: string,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    ...headers,
  });
  response.end(html);
}

/** Answers with a 302 to `location`. */
export function redirect(response: ServerResponse, location: string): void {
  response.writeHead(302, { location, 'content-length': 0 });
  response.end();
}

/** A Set-Cookie value scoped to the sandbox's base path. */
export function cookie(name: string, value: string, basePath: string): string {
  return `${name}=${encodeURIComponent(value)}; Path=${basePath}; HttpOnly; SameSite=Lax`;
}

/** True when the client asked for HTML first (a browser navigation). */
export function wantsHtml(request: IncomingMessage): boolean {
  const accept = request.headers.accept ?? '';
  return accept.includes('text/html');
}
