import { app, dialog, type BrowserWindow } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppEvent } from '../src/contract';
import type { Logger } from '../src/log/logger';
import { setupAppProtocol, setupAppSchemePrivileges } from './app-protocol';
import { setupCore } from './core';
import {
  DeepLinkInbox,
  deliverLinksWhenLoaded,
  setupDeepLinks,
} from './deep-links';
import { registerContractHandlers } from './ipc';
import { sendAppEvent } from './ipc-guard';
import { closeBeforeQuit } from './quit';
import {
  createMainWindow,
  setupContentSecurityPolicy,
  setupPermissionDenial,
} from './window';

// The Electron entry: each step in the order Electron needs it. The logic of
// each step lives in a module tests can load without Electron.

const here = path.dirname(fileURLToPath(import.meta.url));
const rendererDir = path.join(here, '..', 'renderer');
const preloadPath = path.join(here, 'preload.cjs');

let mainWindow: BrowserWindow | null = null;
let logger: Logger | null = null;
const inbox = new DeepLinkInbox();

function focusWindow(): void {
  if (!mainWindow || mainWindow.isDestroyed()) return;
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.focus();
}

function emit(event: AppEvent): void {
  if (logger) sendAppEvent(mainWindow, event, logger);
  if (event.type === 'deepLink') focusWindow();
}

async function whenReady(): Promise<void> {
  await app.whenReady();
  setupPermissionDenial();
  setupContentSecurityPolicy();
  setupAppProtocol(rendererDir);

  const core = await setupCore(emit);
  logger = core.logger;
  registerContractHandlers(
    core.service.handlers,
    () => mainWindow,
    core.logger,
  );
  closeBeforeQuit(app, core.service.close, core.logger);

  mainWindow = createMainWindow(preloadPath);
  deliverLinksWhenLoaded(mainWindow.webContents, inbox, (url) =>
    core.service.enqueueDeepLink(url),
  );
}

setupAppSchemePrivileges();
if (!setupDeepLinks(app, process, inbox, focusWindow)) {
  app.quit();
} else {
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
