import type { Session, WebContents } from 'electron';
import { CONTENT_SECURITY_POLICY, isAppUrl } from './security';

/**
 * What locks the window down, as functions of the session and web contents
 * they are given, so tests drive them with fakes where Electron cannot run:
 * no permission is ever granted, every response carries the app's CSP, and
 * the page can neither navigate away nor open windows or webviews.
 */

/** The parts of a session the permission and CSP guards use. */
export type GuardedSession = Pick<
  Session,
  'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'webRequest'
>;

/** The parts of the window's web contents the navigation guard uses. */
export type GuardedContents = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

/** Denies every permission request and check (camera, notifications, ...). */
export function denyAllPermissions(session: GuardedSession): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) =>
    callback(false),
  );
  session.setPermissionCheckHandler(() => false);
}

/**
 * Response headers with the app's CSP in place of any the response had, in
 * whatever letter case it used.
 */
export function withAppPolicy(
  headers: Record<string, string[]> | undefined,
): Record<string, string[]> {
  const kept = Object.entries(headers ?? {}).filter(
    ([name]) => name.toLowerCase() !== 'content-security-policy',
  );
  return {
    ...Object.fromEntries(kept),
    'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
  };
}

/** Puts the CSP on responses that do not come from the app scheme. */
export function addPolicyToResponses(session: GuardedSession): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withAppPolicy(details.responseHeaders) });
  });
}

/**
 * Refuses navigation and redirects away from the app, new windows and
 * webviews. The authorize page goes through a checked operation instead, so
 * nothing here opens the browser either.
 */
export function lockNavigation(contents: GuardedContents): void {
  const stayInApp = (event: { url: string; preventDefault(): void }) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  };
  contents.on('will-navigate', (event) => stayInApp(event));
  contents.on('will-frame-navigate', (event) => stayInApp(event));
  contents.on('will-redirect', (event) => stayInApp(event));
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
