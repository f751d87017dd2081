import { execFile } from 'node:child_process';

/**
 * Opens the authorize page in the user's own browser, never an embedded
 * window: there the user sees BTCPay's real address bar and their existing
 * login, and this program never sees their password.
 */

/** How long the opener gets before we stop waiting for it to report back. */
const OPENER_GRACE_MS = 5_000;

/** The command that hands a URL to the desktop's default browser. */
export function browserOpener(platform: NodeJS.Platform = process.platform): {
  command: string;
  args: (url: string) => string[];
} {
  if (platform === 'darwin') return { command: 'open', args: (url) => [url] };
  if (platform === 'win32') {
    // `start` is a cmd.exe built-in and cmd re-parses `&` in the URL's query;
    // the URL protocol handler takes it as one untouched argument.
    return {
      command: 'rundll32.exe',
      args: (url) => ['url.dll,FileProtocolHandler', url],
    };
  }
  return { command: 'xdg-open', args: (url) => [url] };
}

/**
 * Opens an http(s) URL in the system browser. Resolves false when the URL is
 * not http(s) or no opener ran, so the caller can show the URL instead.
 */
export function openSystemBrowser(url: string): Promise<boolean> {
  if (!isBrowsableUrl(url)) return Promise.resolve(false);
  return openWithSystem(url);
}

/**
 * Hands a URL to the desktop's default handler for its scheme (also used for
 * `btcpay-keys://` links). Callers check the scheme first.
 */
export function openWithSystem(url: string): Promise<boolean> {
  const opener = browserOpener();

  return new Promise((resolve) => {
    let answered = false;
    const settle = (opened: boolean): void => {
      if (answered) return;
      answered = true;
      clearTimeout(grace);
      resolve(opened);
    };
    // The URL is a single argument: no shell ever parses it. It holds no
    // secret (the key comes back in a POST body, never in this URL).
    const child = execFile(
      opener.command,
      opener.args(url),
      { windowsHide: true },
      (error) => settle(error === null),
    );
    child.unref();
    // Some openers stay attached to the browser they started; one still
    // running after a few seconds has done its job.
    const grace = setTimeout(() => settle(true), OPENER_GRACE_MS);
    grace.unref();
  });
}

/** True for an absolute http(s) URL without embedded credentials. */
export function isBrowsableUrl(url: string): boolean {
  if (!URL.canParse(url)) return false;
  const parsed = new URL(url);
  return (
    (parsed.protocol === 'https:' || parsed.protocol === 'http:') &&
    parsed.username === '' &&
    parsed.password === ''
  );
}
