import { BrowserWindow, session, shell } from 'electron';
import { APP_ENTRY_URL, windowWebPreferences } from './security';
import {
  addPolicyToResponses,
  denyAllPermissions,
  lockNavigation,
} from './window-guards';

/**
 * The one app window, locked down by the guards in window-guards.ts: no
 * navigation away from the app, no new windows, no permissions, the CSP on
 * every response.
 */

/** Denies every permission request and check of the default session. */
export function setupPermissionDenial(): void {
  denyAllPermissions(session.defaultSession);
}

/** Adds the CSP header to responses that do not come from the app scheme. */
export function setupContentSecurityPolicy(): void {
  addPolicyToResponses(session.defaultSession);
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
  lockNavigation(window.webContents);
  window.once('ready-to-show', () => window.show());
  void window.loadURL(APP_ENTRY_URL);
  return window;
}

/** Opens an authorize URL main has checked in the system browser. */
export async function openInSystemBrowser(url: string): Promise<void> {
  await shell.openExternal(url, { activate: true });
}
