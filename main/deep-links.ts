import type { App, WebContents } from 'electron';
import path from 'node:path';
import { DEEP_LINK_SCHEME, findDeepLink } from './security';

/**
 * Collects `btcpay-keys:` links from every way the OS delivers them and hands
 * them on once the window can show them. Electron's `app` and `process` are
 * passed in, so tests drive this with fakes where Electron cannot run.
 */

type LinkHandler = (url: string) => void;

/** The parts of Electron's `app` the deep-link wiring uses. */
export type LinkApp = Pick<
  App,
  'requestSingleInstanceLock' | 'on' | 'setAsDefaultProtocolClient'
>;

/** What of the process tells how the app was started. */
export interface LaunchedProcess {
  argv: readonly string[];
  execPath: string;
  /** True when Electron runs our script (`electron .`), not a packaged app. */
  defaultApp?: boolean;
}

/** Buffers links until a handler is attached (the window has loaded). */
export class DeepLinkInbox {
  private readonly waiting: string[] = [];
  private handler: LinkHandler | null = null;

  /** Queues a link, or passes it on at once when a handler is attached. */
  push(url: string): void {
    if (this.handler) this.handler(url);
    else this.waiting.push(url);
  }

  /** Attaches the handler and flushes every link received so far, in order. */
  attach(handler: LinkHandler): void {
    this.handler = handler;
    for (const url of this.waiting.splice(0)) handler(url);
  }
}

interface SecondInstanceData {
  deepLink: string | null;
}

/**
 * The link a second launch carried. Chromium may reorder or extend argv, so
 * the link the second instance found in its own argv is preferred.
 */
export function linkFromSecondInstance(
  argv: readonly string[],
  data: unknown,
): string | null {
  const fromData =
    data !== null && typeof data === 'object'
      ? (data as Partial<SecondInstanceData>).deepLink
      : undefined;
  return typeof fromData === 'string' && findDeepLink([fromData])
    ? fromData
    : findDeepLink(argv);
}

/**
 * Takes the single-instance lock; a second launch forwards its link to the
 * first instance. Returns false when this process must quit.
 */
export function setupSingleInstance(
  app: LinkApp,
  launched: LaunchedProcess,
  inbox: DeepLinkInbox,
  focusWindow: () => void,
): boolean {
  const data: SecondInstanceData = { deepLink: findDeepLink(launched.argv) };
  if (!app.requestSingleInstanceLock({ ...data })) return false;

  app.on('second-instance', (_event, argv, _cwd, additionalData) => {
    const link = linkFromSecondInstance(argv, additionalData);
    if (link) inbox.push(link);
    focusWindow();
  });
  return true;
}

/** Listens for macOS `open-url`; must run before `ready` to catch launches. */
export function setupOpenUrl(app: LinkApp, inbox: DeepLinkInbox): void {
  app.on('open-url', (event, url) => {
    event.preventDefault();
    if (findDeepLink([url])) inbox.push(url);
  });
}

/** Queues the link the app was started with (Windows and Linux). */
export function setupColdStartLink(
  launched: LaunchedProcess,
  inbox: DeepLinkInbox,
): void {
  const link = findDeepLink(launched.argv);
  if (link) inbox.push(link);
}

/**
 * Registers the app for `btcpay-keys:` links. In development Electron runs
 * our script, so the OS must be told both the binary and the script.
 */
export function setupProtocolClient(
  app: LinkApp,
  launched: LaunchedProcess,
): boolean {
  const script = launched.argv[1];
  if (launched.defaultApp && script !== undefined) {
    return app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME, launched.execPath, [
      path.resolve(script),
    ]);
  }
  return app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME);
}

/**
 * Wires every way a link arrives; runs before `ready`, so a link that
 * launched the app is not missed. Returns false when another instance holds
 * the lock and this process must quit.
 */
export function setupDeepLinks(
  app: LinkApp,
  launched: LaunchedProcess,
  inbox: DeepLinkInbox,
  focusWindow: () => void,
): boolean {
  if (!setupSingleInstance(app, launched, inbox, focusWindow)) return false;
  setupOpenUrl(app, inbox);
  setupColdStartLink(launched, inbox);
  setupProtocolClient(app, launched);
  return true;
}

/**
 * Hands the queued links, then every later one, to the core once the page
 * has loaded and can ask for them.
 */
export function deliverLinksWhenLoaded(
  contents: Pick<WebContents, 'once'>,
  inbox: DeepLinkInbox,
  deliver: LinkHandler,
): void {
  contents.once('did-finish-load', () => inbox.attach(deliver));
}
