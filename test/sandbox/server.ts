import { readFileSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { fileURLToPath } from 'node:url';
import { handleApi } from './api-routes';
import { handleAuthorizePages } from './authorize-pages';
import { applyFault, faultApplies } from './faults';
import {
  parseCookies,
  readBody,
  sendEmpty,
  type SandboxRequest,
} from './http-util';
import { handleAccountPages } from './login-pages';
import { handleMisc } from './misc-routes';
import type { SandboxState } from './state';

const fixture = (name: string): string =>
  fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function toSandboxRequest(
  state: SandboxState,
  raw: IncomingMessage,
): Promise<SandboxRequest | null> {
  const body = await readBody(raw);
  const target = new URL(raw.url ?? '/', 'http://sandbox.invalid');
  const { basePath, tls } = state.settings;
  const host = raw.headers.host ?? '127.0.0.1';
  const recordedPath = target.pathname.startsWith(basePath)
    ? `/${target.pathname.slice(basePath.length)}`
    : target.pathname;
  state.requests.push({
    method: raw.method ?? 'GET',
    path: recordedPath,
    url: raw.url ?? '/',
    headers: { ...raw.headers },
    body,
  });
  if (
    !target.pathname.startsWith(basePath) &&
    `${target.pathname}/` !== basePath
  )
    return null;
  return {
    raw,
    method: raw.method ?? 'GET',
    path: recordedPath,
    query: target.searchParams,
    body,
    cookies: parseCookies(raw.headers.cookie),
    baseUrl: `${tls ? 'https' : 'http'}://${host}${basePath}`,
  };
}

async function handle(
  state: SandboxState,
  raw: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const request = await toSandboxRequest(state, raw);
  if (state.settings.latencyMs > 0) await sleep(state.settings.latencyMs);
  // BTCPay sends this on every response (Startup.cs).
  response.setHeader('referrer-policy', 'same-origin');
  if (!request) return sendEmpty(response, 404);
  const fault = state.fault;
  if (
    faultApplies(fault, request.path) &&
    (await applyFault(fault, request, response))
  )
    return;
  if (request.path.startsWith('/api/v1/') || request.path === '/api/v1') {
    return handleApi(state, request, response);
  }
  if (handleMisc(state, request, response)) return;
  if (handleAuthorizePages(state, request, response)) return;
  if (handleAccountPages(state, request, response)) return;
  sendEmpty(response, 404);
}

/** Creates the HTTP (or self-signed HTTPS) server around one sandbox state. */
export function createSandboxServer(state: SandboxState) {
  const listener = (raw: IncomingMessage, response: ServerResponse): void => {
    handle(state, raw, response).catch(() => {
      if (!response.headersSent) sendEmpty(response, 500);
      else response.destroy();
    });
  };
  if (!state.settings.tls) return createHttpServer(listener);
  return createHttpsServer(
    {
      key: readFileSync(fixture('tls-key.pem')),
      cert: readFileSync(fixture('tls-cert.pem')),
    },
    listener,
  );
}
