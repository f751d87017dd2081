import { app } from 'electron';
import path from 'node:path';
import { DEEP_LINK_SCHEME, findDeepLink } from './security';

/**
 * Collects `btcpay-keys:` links from every way the OS delivers them and hands
 * them on once the core is ready to queue them.
 */

type LinkHandler = (url: string) => void;

/** Buffers links that arrive before the core exists. */
export class DeepLinkInbox {
  private readonly waiting: string[] = [];
  private handler: LinkHandler | null = null;

  /** Queues a link, or passes it on at once when a handler is attached. */
  push(url: string): void {
    if (this.handler) this.handler(url);
    else this.waiting.push(url);
  }

  /** Attaches the handler and flushes every link received so far. */
  attach(handler: LinkHandler): void {
    this.handler = handler;
    for (const url of this.waiting.splice(0)) handler(url);
  }
}

interface SecondInstanceData {
  deepLink: string | null;
}

function linkFromSecondInstance(argv: string[], data: unknown): string | null {
  // Chromium may reorder or extend argv, so the link the second instance
  // found in its own argv is preferred.
  const fromData = (data as Partial<SecondInstanceData> | null)?.deepLink;
  return typeof fromData === 'string' ? fromData : findDeepLink(argv);
}

/**
 * Takes the single-instance lock; a second launch forwards its link to the
 * first instance. Returns false when this process must quit.
 */
export function setupSingleInstance(
  inbox: DeepLinkInbox,
  focusWindow: () => void,
): boolean {
  const data: SecondInstanceData = { deepLink: findDeepLink(process.argv) };
  if (!app.requestSingleInstanceLock(data)) return false;

  app.on('second-instance', (_event, argv, _cwd, additionalData) => {
    const link = linkFromSecondInstance(argv, additionalData);
    if (link) inbox.push(link);
    focusWindow();
  });
  return true;
}

/** Listens for macOS `open-url`; must run before `ready` to catch launches. */
export function setupOpenUrl(inbox: DeepLinkInbox): void {
  app.on('open-url', (event, url) => {
    event.preventDefault();
    inbox.push(url);
  });
}

/** Queues the link the app was started with (Windows and Linux). */
export function setupColdStartLink(inbox: DeepLinkInbox): void {
  const link = findDeepLink(process.argv);
  if (link) inbox.push(link);
}

/**
 * Registers the app for `btcpay-keys:` links. In development Electron runs
 * our script, so the OS must be told both the binary and the script.
 */
export function setupProtocolClient(): void {
  const script = process.argv[1];
  if (process.defaultApp && script !== undefined) {
    app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME, process.execPath, [
      path.resolve(script),
    ]);
  } else {
    app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME);
  }
}
