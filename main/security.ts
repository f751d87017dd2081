/**
 * The window's security settings as plain values, free of Electron imports,
 * so tests check exactly what main applies.
 */

/** The custom scheme the UI is served from instead of `file://`. */
export const APP_SCHEME = 'app';

/** The one host of the app scheme; the UI's origin is `app://keys`. */
export const APP_HOST = 'keys';

/** The origin every trusted frame and IPC sender must have. */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** The page the window loads. */
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** The URL scheme other desktop apps open to ask for a key. */
export const DEEP_LINK_SCHEME = 'btcpay-keys';

/**
 * The UI's Content-Security-Policy: only the app's own scripts and styles, no
 * inline script, no network, no frames, no forms. Styles React sets through
 * the CSSOM are not inline styles and need no exception.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** The webPreferences of the one window: isolated, sandboxed, no Node. */
export function windowWebPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  } as const;
}

/**
 * True when `url` is a page of the app itself. Node's URL gives custom
 * schemes an opaque "null" origin, so scheme and host are compared instead,
 * and any credentials or port make it someone else's URL.
 */
export function isAppUrl(url: string): boolean {
  const parsed = parseUrl(url);
  return (
    parsed !== null &&
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.hostname === APP_HOST &&
    parsed.port === '' &&
    parsed.username === '' &&
    parsed.password === ''
  );
}

function parseUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * Whether an IPC call comes from our window's top frame showing our app.
 * Subframes and other origins are refused even inside our window.
 */
export function isTrustedSender(sender: {
  frameUrl: string | null;
  isOurMainFrame: boolean;
}): boolean {
  return (
    sender.frameUrl !== null &&
    sender.isOurMainFrame &&
    isAppUrl(sender.frameUrl)
  );
}

/** The first `btcpay-keys:` URL in a command line, if any. */
export function findDeepLink(argv: readonly string[]): string | null {
  const prefix = `${DEEP_LINK_SCHEME}:`;
  return argv.find((arg) => arg.toLowerCase().startsWith(prefix)) ?? null;
}

/**
 * Maps an app-scheme URL to a path inside the renderer folder, or null when
 * it would leave it (`..`, encoded separators) or is not ours.
 */
export function rendererFilePath(url: string): string | null {
  const parsed = parseUrl(url);
  if (parsed === null || !isAppUrl(url)) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  const segments = pathname.split('/').filter((s) => s !== '');
  const unsafe = segments.some(
    (s) => s === '..' || s === '.' || s.includes('\\') || s.includes('\0'),
  );
  if (unsafe) return null;
  return segments.length === 0 ? 'index.html' : segments.join('/');
}
