import { BrowserWindow, session, shell } from 'electron';
import {
  APP_ENTRY_URL,
  CONTENT_SECURITY_POLICY,
  isAppUrl,
  windowWebPreferences,
} from './security';

/**
 * The one app window, locked down: no navigation away from the app, no new
 * windows, no permissions, the CSP on every response.
 */

/** Denies every permission request and check (camera, notifications, ...). */
export function setupPermissionDenial(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, _permission, callback) =>
    callback(false),
  );
  ses.setPermissionCheckHandler(() => false);
}

/** Adds the CSP header to responses that do not come from the app scheme. */
export function setupContentSecurityPolicy(): void {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
      },
    });
  });
}

/** Creates the window and refuses navigation and pop-ups it did not expect. */
export function createMainWindow(preloadPath: string): BrowserWindow {
  const window = new BrowserWindow({
    width: 1200,
    height: 800,
    minWidth: 720,
    minHeight: 500,
    show: false,
    title: 'BTCPay Key Manager',
    webPreferences: windowWebPreferences(preloadPath),
  });

  window.webContents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  window.webContents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  // Links never open windows; the authorize page goes through a checked
  // operation instead, so nothing here opens the browser either.
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  window.webContents.on('will-attach-webview', (event) =>
    event.preventDefault(),
  );

  window.once('ready-to-show', () => window.show());
  void window.loadURL(APP_ENTRY_URL);
  return window;
}

/** Opens a checked http(s) URL in the system browser. */
export async function openInSystemBrowser(url: string): Promise<void> {
  await shell.openExternal(url, { activate: true });
}
