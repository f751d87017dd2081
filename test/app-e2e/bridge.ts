import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { OPERATION_NAMES, type AppEvent } from '../../src/contract';
import {
  dispatchOperation,
  isOperationName,
  type KeyManagerService,
} from '../../src/service';
import { CONTENT_SECURITY_POLICY } from '../../main/security';

/**
 * The test transport: the built renderer served over loopback HTTP with the
 * app's CSP, and `window.btcpayKeys` bridged to the real service through
 * Playwright instead of Electron's IPC. Requests still go through
 * `dispatchOperation`, the same schema checks main applies.
 */

const MEDIA_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** Serves `rendererDir` on 127.0.0.1 with the app's Content-Security-Policy. */
export async function serveRenderer(
  rendererDir: string,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((request, response) => {
    const pathname = new URL(request.url ?? '/', 'http://x').pathname;
    const relative = pathname === '/' ? 'index.html' : pathname.slice(1);
    const file = path.resolve(rendererDir, relative);
    if (!file.startsWith(rendererDir + path.sep)) {
      response.writeHead(404).end();
      return;
    }
    readFile(file).then(
      (body) => {
        response.writeHead(200, {
          'Content-Type':
            MEDIA_TYPES[path.extname(file)] ?? 'application/octet-stream',
          'Content-Security-Policy': CONTENT_SECURITY_POLICY,
        });
        response.end(body);
      },
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Installs `window.btcpayKeys` in every document the page loads. */
export async function installBridge(
  page: Page,
  service: () => KeyManagerService,
): Promise<void> {
  await page.exposeFunction(
    '__btcpayKeysCall',
    (name: string, payload: unknown) => {
      if (!isOperationName(name)) throw new Error(`unknown operation ${name}`);
      return dispatchOperation(service().handlers, name, payload);
    },
  );
  await page.addInitScript((names: readonly string[]) => {
    type Listener = (event: unknown) => void;
    const listeners = new Set<Listener>();
    const bridge = globalThis as unknown as {
      __btcpayKeysCall: (name: string, payload: unknown) => Promise<unknown>;
      __btcpayKeysEmit: (event: unknown) => void;
      btcpayKeys: Record<string, unknown>;
    };
    const api: Record<string, unknown> = {};
    for (const name of names) {
      api[name] = (request: unknown) =>
        bridge.__btcpayKeysCall(name, request ?? {});
    }
    api['onEvent'] = (listener: Listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    };
    bridge.__btcpayKeysEmit = (event) => listeners.forEach((l) => l(event));
    bridge.btcpayKeys = api;
  }, OPERATION_NAMES);
}

/** Pushes a service event into the page, as main's webContents.send does. */
export function emitter(page: () => Page | null): (event: AppEvent) => void {
  return (event) => {
    const target = page();
    if (!target) return;
    target
      .evaluate((e) => {
        const emit = (
          globalThis as unknown as { __btcpayKeysEmit?: (e: unknown) => void }
        ).__btcpayKeysEmit;
        emit?.(e);
      }, event)
      .catch(() => undefined);
  };
}
