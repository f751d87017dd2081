import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../main/security';
import { launchChromium } from '../support/chromium';
import { startBuiltMain, type BuiltMain } from './support/built-main';

// What the output of `npm run build` really does, not what its text says:
// dist/main/main.js runs under a stand-in for Electron (Electron's binary is
// not needed), the window options and guards it installs are exercised, and
// the built page is loaded in real Chromium through the build's own app
// handler, so the policy that takes effect is the one the app would send.

let main: BuiltMain;
let browser: Browser;
/** Another origin: what the page must not be able to reach or be framed by. */
let elsewhere: { url: string; hits: string[]; close: () => Promise<void> };

beforeAll(async () => {
  for (const file of [
    'main/main.js',
    'main/preload.cjs',
    'renderer/index.html',
  ]) {
    if (!existsSync(new URL(`../../dist/${file}`, import.meta.url))) {
      throw new Error(`dist/${file} is missing: run \`npm run build\` first.`);
    }
  }
  main = await startBuiltMain();
  elsewhere = await startElsewhere(main.origin);
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await elsewhere?.close();
  await main?.stop();
});

/** A server on another port that anyone may fetch from, counting requests. */
async function startElsewhere(appOrigin: string): Promise<typeof elsewhere> {
  const hits: string[] = [];
  const server = http.createServer((request, response) => {
    hits.push(request.url ?? '');
    if (request.url === '/frame.html') {
      response.writeHead(200, { 'Content-Type': 'text/html' });
      response.end(`<iframe src="${appOrigin}/index.html"></iframe>`);
      return;
    }
    response.writeHead(200, {
      'Access-Control-Allow-Origin': '*',
      'Content-Type': 'text/javascript',
    });
    response.end('window.remoteRan = true;');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Opens the built page, recording every policy violation it reports. */
async function openBuiltPage(): Promise<{ page: Page; csp: string | null }> {
  const page = await browser.newPage();
  // Init scripts run outside the page's policy, as a debugger would.
  await page.addInitScript(() => {
    const seen: { directive: string; blocked: string }[] = [];
    Object.assign(window, { policyViolations: seen });
    document.addEventListener('securitypolicyviolation', (event) =>
      seen.push({
        directive: event.effectiveDirective,
        blocked: event.blockedURI,
      }),
    );
  });
  const response = await page.goto(`${main.origin}/index.html`);
  await page.waitForLoadState('load');
  return { page, csp: response?.headers()['content-security-policy'] ?? null };
}

function violations(
  page: Page,
): Promise<{ directive: string; blocked: string }[]> {
  return page.evaluate(
    () =>
      (
        window as unknown as {
          policyViolations: { directive: string; blocked: string }[];
        }
      ).policyViolations,
  );
}

describe('the built main process', () => {
  it('starts without an error and loads the app page', () => {
    expect(main.report.errors).toEqual([]);
    expect(main.report.loadedUrl).toBe('app://keys/index.html');
    expect(main.report.protocolSchemes).toEqual(['app']);
    expect(main.report.ipcChannelCount).toBeGreaterThan(0);
  });

  it('creates its window isolated, sandboxed and without Node', () => {
    expect(main.report.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    const preload = String(main.report.webPreferences['preload']);
    expect(preload.endsWith('dist/main/preload.cjs')).toBe(true);
    expect(existsSync(preload)).toBe(true);
  });

  it('denies every permission, pop-up, webview and navigation away from the app', () => {
    expect(main.report.permissions).toEqual({
      camera: false,
      notifications: false,
      clipboard: false,
      check: false,
    });
    expect(main.report.windowOpen).toEqual({ action: 'deny' });
    expect(main.report.preventsNavigation).toEqual({
      app: false,
      web: true,
      file: true,
      lookAlike: true,
      redirect: true,
      subframe: true,
      webview: true,
    });
  });

  it('replaces whatever policy another response brings with its own', () => {
    const headers = main.report.foreignResponseHeaders?.responseHeaders ?? {};
    const policies = Object.entries(headers).filter(
      ([name]) => name.toLowerCase() === 'content-security-policy',
    );
    expect(policies).toEqual([
      ['Content-Security-Policy', [CONTENT_SECURITY_POLICY]],
    ]);
  });
});

describe('the built page in Chromium, served by the built app handler', () => {
  it('runs the app’s own scripts under the strict policy', async () => {
    const { page, csp } = await openBuiltPage();
    try {
      expect(csp).toBe(CONTENT_SECURITY_POLICY);
      expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe');
      // React rendered something: the bundle was allowed to run.
      await page.waitForFunction(
        () => (document.getElementById('root')?.childElementCount ?? 0) > 0,
      );
      expect(await violations(page)).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('blocks a script injected inline, eval and a script from elsewhere', async () => {
    const { page } = await openBuiltPage();
    try {
      const ran = await page.evaluate(async (remote) => {
        const inline = document.createElement('script');
        inline.textContent = 'window.inlineRan = true;';
        document.head.append(inline);
        const external = document.createElement('script');
        external.src = `${remote}/payload.js`;
        const settled = new Promise((resolve) => {
          external.onload = resolve;
          external.onerror = resolve;
        });
        document.head.append(external);
        await settled;
        let evaluated = false;
        try {
          evaluated = (0, eval)('true') as boolean;
        } catch {
          evaluated = false;
        }
        const page = window as unknown as Record<string, unknown>;
        return {
          inline: page['inlineRan'] === true,
          remote: page['remoteRan'] === true,
          evaluated,
        };
      }, elsewhere.url);
      expect(ran).toEqual({ inline: false, remote: false, evaluated: false });
      const directives = (await violations(page)).map((v) => v.directive);
      expect(directives).toEqual(
        expect.arrayContaining(['script-src-elem', 'script-src']),
      );
      expect(elsewhere.hits).not.toContain('/payload.js');
    } finally {
      await page.close();
    }
  });

  it('blocks a fetch to another origin before it is sent', async () => {
    const { page } = await openBuiltPage();
    try {
      const outcome = await page.evaluate(
        (remote) =>
          fetch(`${remote}/collect`).then(
            () => 'answered',
            () => 'blocked',
          ),
        elsewhere.url,
      );
      expect(outcome).toBe('blocked');
      expect(elsewhere.hits).not.toContain('/collect');
      expect(await violations(page)).toContainEqual({
        directive: 'connect-src',
        blocked: `${elsewhere.url}/collect`,
      });
    } finally {
      await page.close();
    }
  });

  it('refuses to be shown in a frame of another site', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${elsewhere.url}/frame.html`);
      await page.waitForLoadState('load');
      const frame = page.frames().find((f) => f !== page.mainFrame());
      // A frame blocked by frame-ancestors shows Chromium's error page.
      const shown = await frame
        ?.evaluate(() => document.getElementById('root') !== null)
        .catch(() => false);
      expect(shown ?? false).toBe(false);
    } finally {
      await page.close();
    }
  });
});
