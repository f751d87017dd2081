import { mkdir, mkdtemp, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { silentLogger } from '../../src/log/logger';
import {
  createKeyManagerService,
  type KeyManagerService,
} from '../../src/service';
import { createKeytarStore, openVault, type Vault } from '../../src/vault';
import type { SecretStore } from '../../src/vault';
import { startSandbox, type Sandbox } from '../sandbox';
import { removeDataFolder } from '../support/data-folder';
import { emitter, installBridge, serveRenderer } from './bridge';

/**
 * Everything the app's end-to-end test runs against: the built renderer in
 * Chromium, the real service on a temp data folder and a private keychain
 * service name, the sandbox, and a second browser context playing the
 * merchant on BTCPay's consent page.
 */

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const RENDERER_DIR = path.join(ROOT, 'dist', 'renderer');
export const SCREENSHOTS = path.join(ROOT, 'test', 'artifacts', 'screenshots');

const require = createRequire(import.meta.url);

export { launchChromium } from '../support/chromium';

/** Signs in on the sandbox's authorize page and approves. */
export async function approveAsMerchant(
  context: BrowserContext,
  url: string,
  merchant: { email: string; password: string },
): Promise<void> {
  const page = await context.newPage();
  await page.goto(url);
  if (await page.locator('#Email').count()) {
    await page.fill('#Email', merchant.email);
    await page.fill('#Password', merchant.password);
    await page.click('#LoginButton');
  }
  await page.click('#consent-yes');
  await page.waitForFunction("document.title === 'Key received'");
  await page.close();
}

/** A running app: page, service, sandbox and what the test inspects. */
export interface AppUnderTest {
  page: Page;
  service: KeyManagerService;
  vault: Vault;
  sandbox: Sandbox;
  merchant: { email: string; password: string };
  clipboard: { text: string };
  /** What the merchant does when BTCPay's page opens. */
  merchantPlays: { approve: boolean };
  browserOpenings: Promise<void>[];
  consoleErrors: string[];
  /** Events the core emitted that break the contract (kept from the page). */
  brokenEvents: unknown[];
  close: () => Promise<void>;
}

/** Starts the whole stack; the renderer must have been built. */
export async function startApp(browser: Browser): Promise<AppUnderTest> {
  if (!existsSync(path.join(RENDERER_DIR, 'index.html'))) {
    throw new Error('dist/renderer is missing: run `npm run build` first.');
  }
  await mkdir(SCREENSHOTS, { recursive: true });
  const home = await mkdtemp(path.join(os.tmpdir(), 'btcpay-keys-app-e2e-'));
  const keychain: SecretStore = createKeytarStore({
    service: `btcpay-key-manager-test-app-${process.pid}-${Date.now()}`,
  });
  const vault = await openVault({ home, secretStore: keychain });
  const sandbox = await startSandbox({ port: 0 });
  const merchant = sandbox.users.find((u) => u.role === 'merchant');
  if (!merchant) throw new Error('The sandbox has no merchant.');

  const merchantContext = await browser.newContext();
  const appContext = await browser.newContext({ colorScheme: 'light' });
  const page = await appContext.newPage();
  const clipboard = { text: '' };
  const browserOpenings: Promise<void>[] = [];
  const merchantPlays = { approve: true };
  const consoleErrors: string[] = [];
  const brokenEvents: unknown[] = [];
  page.on(
    'console',
    (m) => m.type() === 'error' && consoleErrors.push(m.text()),
  );

  const service = createKeyManagerService({
    vault,
    logger: silentLogger,
    emit: emitter(() => page, brokenEvents),
    openBrowser: async (url) => {
      browserOpenings.push(
        merchantPlays.approve
          ? approveAsMerchant(merchantContext, url, merchant)
          : Promise.resolve(),
      );
    },
    clipboard: {
      write: (text) => void (clipboard.text = text),
      read: () => clipboard.text,
    },
  });
  const site = await serveRenderer(RENDERER_DIR);
  await installBridge(page, () => service);
  await page.goto(site.url);

  return {
    page,
    service,
    vault,
    sandbox,
    merchant,
    clipboard,
    merchantPlays,
    browserOpenings,
    consoleErrors,
    brokenEvents,
    close: async () => {
      await service.close();
      await Promise.all([appContext.close(), merchantContext.close()]);
      await Promise.all([site.close(), sandbox.close()]);
      for (const account of await keychain.accounts()) {
        await keychain.delete(account);
      }
      await removeDataFolder(home);
    },
  };
}

/** Runs axe-core in the page; returns serious and critical violations. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const source = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(source);
  const violations = await page.evaluate(async () => {
    const page = globalThis as unknown as {
      document: unknown;
      axe: {
        run: (context: unknown) => Promise<{
          violations: {
            id: string;
            impact: string | null;
            nodes: { target: unknown[] }[];
          }[];
        }>;
      };
    };
    const result = await page.axe.run(page.document);
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      targets: v.nodes.map((n) => JSON.stringify(n.target)).slice(0, 3),
    }));
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}) at ${v.targets.join(', ')}`);
}

/**
 * Saves a screenshot of the whole screen under test/artifacts/screenshots.
 * Only the content pane scrolls, so the window is made as tall as the
 * content for the picture: the sidebar and any dialog's backdrop then cover
 * the full height, as they would in a window that tall.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  const viewport = page.viewportSize() ?? { width: 1280, height: 720 };
  const contentHeight = await page.evaluate(
    "Math.max(document.querySelector('main')?.scrollHeight ?? 0, (document.querySelector('.dialog')?.scrollHeight ?? 0) + 64)",
  );
  const height = Math.max(viewport.height, Math.ceil(Number(contentHeight)));
  if (height > viewport.height) {
    await page.setViewportSize({ width: viewport.width, height });
  }
  try {
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
  } finally {
    if (height > viewport.height) await page.setViewportSize(viewport);
  }
}

/** A loopback server standing in for an app that asked for a key. */
export async function requestingApp(): Promise<{
  redirect: string;
  received: Promise<URLSearchParams>;
  close: () => Promise<void>;
}> {
  let deliver: (form: URLSearchParams) => void = () => undefined;
  const received = new Promise<URLSearchParams>((resolve) => {
    deliver = resolve;
  });
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      response.writeHead(200).end('ok');
      deliver(new URLSearchParams(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    redirect: `http://127.0.0.1:${port}/btcpay-callback`,
    received,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
