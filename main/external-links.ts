import { readAuthorizeUrl } from '../src/authorize/request';
import { normalizeBaseUrl } from '../src/greenfield/base-url';
import type { Logger } from '../src/log/logger';

/**
 * What main lets the system browser open: only BTCPay authorize pages the
 * core built for a flow it runs. Anything else reaching `openExternal`
 * (a `file:` path, a look-alike site, a page that would post the new key
 * off this computer) is refused with the reason.
 */

const AUTHORIZE_PATH = /\/api-keys\/authorize$/;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]']);

/** Whether the key BTCPay posts would stay on this computer. */
function isLoopbackRedirect(redirect: string | undefined): boolean {
  if (redirect === undefined) return false;
  const parsed = new URL(redirect);
  return parsed.protocol === 'http:' && LOOPBACK_HOSTS.has(parsed.hostname);
}

/** The canonical base URL of `server`, or null when it is not one. */
function canonicalServer(server: string): string | null {
  const normalized = normalizeBaseUrl(server);
  return normalized.ok ? normalized.url.toLowerCase() : null;
}

/**
 * Why `url` must not be opened, or null when it may: an http(s) BTCPay
 * authorize URL without credentials or fragment, whose key goes to a loopback
 * receiver, on `flowServer` when the flow named its server.
 */
export function authorizeUrlProblem(
  url: string,
  flowServer: string | null,
): string | null {
  const read = readAuthorizeUrl(url);
  if (!read.ok) return read.reason;

  const parsed = new URL(url.trim());
  if (!AUTHORIZE_PATH.test(parsed.pathname)) {
    return 'Only the authorize page itself (/api-keys/authorize) is opened.';
  }
  if (parsed.hash !== '') return 'The authorize address carries a fragment.';
  if (!isLoopbackRedirect(read.request.redirect)) {
    return 'The authorize page would send the key somewhere other than this app.';
  }
  if (flowServer !== null) {
    const expected = canonicalServer(flowServer);
    if (expected === null || canonicalServer(read.server) !== expected) {
      return 'The authorize page is not on the server the request was made for.';
    }
  }
  return null;
}

/** Opens a URL in the system browser. */
type OpenExternal = (url: string) => Promise<void>;

/**
 * The core's `openBrowser`: checks each URL with {@link authorizeUrlProblem}
 * against the server the flow started with, and opens only those that pass.
 */
export function checkedBrowserOpener(
  openExternal: OpenExternal,
  logger: Logger,
): (url: string, flow?: { serverUrl: string }) => Promise<void> {
  return async (url, flow) => {
    const problem = authorizeUrlProblem(url, flow?.serverUrl ?? null);
    if (problem !== null) {
      logger.warn({ reason: problem }, 'refused to open a page in the browser');
      throw new Error(`Not opened in the browser: ${problem}`);
    }
    await openExternal(url);
  };
}
