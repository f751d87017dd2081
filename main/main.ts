import { app, dialog, type BrowserWindow } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppEvent } from '../src/contract';
import { setupAppProtocol, setupAppSchemePrivileges } from './app-protocol';
import { setupCore } from './core';
import {
  DeepLinkInbox,
  setupColdStartLink,
  setupOpenUrl,
  setupProtocolClient,
  setupSingleInstance,
} from './deep-links';
import { registerContractHandlers, sendAppEvent } from './ipc';
import {
  createMainWindow,
  setupContentSecurityPolicy,
  setupPermissionDenial,
} from './window';

// The Electron entry: each step in the order Electron needs it.

const here = path.dirname(fileURLToPath(import.meta.url));
const rendererDir = path.join(here, '..', 'renderer');
const preloadPath = path.join(here, 'preload.cjs');

let mainWindow: BrowserWindow | null = null;
const inbox = new DeepLinkInbox();

function focusWindow(): void {
  if (!mainWindow || mainWindow.isDestroyed()) return;
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.focus();
}

function emit(event: AppEvent): void {
  sendAppEvent(mainWindow, event);
  if (event.type === 'deepLink') focusWindow();
}

async function whenReady(): Promise<void> {
  await app.whenReady();
  setupPermissionDenial();
  setupContentSecurityPolicy();
  setupAppProtocol(rendererDir);

  const core = await setupCore(emit);
  registerContractHandlers(
    core.service.handlers,
    () => mainWindow,
    core.logger,
  );
  inbox.attach((url) => core.service.enqueueDeepLink(url));

  mainWindow = createMainWindow(preloadPath);
  app.on('before-quit', () => void core.service.close());
}

setupAppSchemePrivileges();
if (!setupSingleInstance(inbox, focusWindow)) {
  app.quit();
} else {
  setupOpenUrl(inbox);
  setupColdStartLink(inbox);
  setupProtocolClient();
  app.on('window-all-closed', () => app.quit());
  await whenReady().catch((error: unknown) => {
    // Nothing can be shown without the core: say why, then quit.
    dialog.showErrorBox(
      'BTCPay Key Manager could not start',
      error instanceof Error ? error.message : String(error),
    );
    app.exit(1);
  });
}
