import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { OPERATION_NAMES, type AppEvent } from '../../src/contract';
import {
  checkAppEvent,
  dispatchOperation,
  isOperationName,
  type KeyManagerService,
} from '../../src/service';
import { rendererFileServer } from '../../main/app-files';
import { APP_ORIGIN } from '../../main/security';

/**
 * The test transport: the built renderer served over loopback HTTP by the
 * app protocol's handler, and `window.btcpayKeys` bridged to the real service
 * through Playwright instead of Electron's IPC. Requests still go through
 * `dispatchOperation`, the same schema checks main applies.
 */

/**
 * Serves `rendererDir` on 127.0.0.1 through the app protocol's own handler,
 * so the page gets exactly the files, media types and Content-Security-Policy
 * `app://keys/` gives it in Electron.
 */
export async function serveRenderer(
  rendererDir: string,
): Promise<{ url: string; close: () => Promise<void> }> {
  const serve = rendererFileServer(rendererDir);
  const server = http.createServer((request, response) => {
    const asked = new Request(`${APP_ORIGIN}${request.url ?? '/'}`, {
      method: request.method ?? 'GET',
    });
    serve(asked).then(
      async (answer) => {
        const headers: Record<string, string> = {};
        answer.headers.forEach((value, name) => (headers[name] = value));
        response.writeHead(answer.status, headers);
        response.end(Buffer.from(await answer.arrayBuffer()));
      },
      () => response.writeHead(500).end(),
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

/**
 * Pushes a service event into the page, as main's sendAppEvent does: checked
 * against the contract first. A malformed event is not sent but noted in
 * `broken`, which the suite expects to stay empty.
 */
export function emitter(
  page: () => Page | null,
  broken: unknown[],
): (event: AppEvent) => void {
  return (event) => {
    const checked = checkAppEvent(event);
    if (checked === null) {
      broken.push(event);
      return;
    }
    const target = page();
    if (!target) return;
    target
      .evaluate((e) => {
        const emit = (
          globalThis as unknown as { __btcpayKeysEmit?: (e: unknown) => void }
        ).__btcpayKeysEmit;
        emit?.(e);
      }, checked)
      .catch(() => undefined);
  };
}
