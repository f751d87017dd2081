import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { _electron, type ElectronApplication } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { OPERATION_NAMES } from '../../src/contract';
import { CONTENT_SECURITY_POLICY } from '../../main/security';
import { requestingApp } from '../app-e2e/harness';
import { startSandbox } from '../sandbox';

// The packaged-shape app in a real Electron, wherever its binary is installed.
// CI installs with ELECTRON_SKIP_BINARY_DOWNLOAD=1, so there this test says
// it did not run and proves that the missing binary is the only reason.

const root = path.resolve(import.meta.dirname, '..', '..');
const electronDir = path.join(root, 'node_modules', 'electron');
const mainScript = path.join(root, 'dist', 'main', 'main.js');

/** The Electron binary, or why there is none. */
function electronBinary(): { path: string } | { missing: string } {
  const pathFile = path.join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) {
    return {
      missing:
        'node_modules/electron has no binary (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1)',
    };
  }
  const binary = path.join(
    electronDir,
    'dist',
    readFileSync(pathFile, 'utf8').trim(),
  );
  return existsSync(binary)
    ? { path: binary }
    : { missing: `the Electron binary ${binary} does not exist` };
}

const binary = electronBinary();

/** Starts the built app on a data folder of its own, with extra arguments. */
async function launch(
  executablePath: string,
  extraArgs: string[] = [],
): Promise<{ app: ElectronApplication; close: () => Promise<void> }> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'btcpay-keys-electron-'));
  const app = await _electron.launch({
    executablePath,
    args: [mainScript, '--no-sandbox', ...extraArgs],
    env: { ...process.env, BTCPAY_KEYS_HOME: home },
  });
  return {
    app,
    close: async () => {
      await app.close();
      await rm(home, { recursive: true, force: true });
    },
  };
}

/** The preferences the window's page really runs with. */
type AppliedPreferences = Record<string, unknown>;

describe('the Electron app', () => {
  if ('missing' in binary) {
    it('did not run: only the Electron binary is missing', () => {
      console.log(
        `test/electron: the Electron app test did not run: ${binary.missing}.`,
      );
      expect(existsSync(path.join(electronDir, 'package.json'))).toBe(true);
      expect(existsSync(mainScript)).toBe(true);
      expect(binary.missing).toMatch(/binary/);
    });
    return;
  }

  it('opens a sandboxed, isolated window that sees only the typed API', async () => {
    const { app, close } = await launch(binary.path);
    try {
      const window = await app.firstWindow();
      await window.waitForLoadState('domcontentloaded');
      expect(window.url()).toBe('app://keys/index.html');

      const applied = (await app.evaluate(({ BrowserWindow }) => {
        const [first] = BrowserWindow.getAllWindows();
        // Undocumented in the typings, but what Electron really applied.
        const contents = first?.webContents as unknown as {
          getLastWebPreferences: () => Record<string, unknown>;
        };
        return contents.getLastWebPreferences();
      })) as AppliedPreferences;
      expect(applied).toMatchObject({
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        webviewTag: false,
      });

      const seen = await window.evaluate(() => {
        const page = globalThis as unknown as Record<string, unknown>;
        const api = page['btcpayKeys'] as Record<string, unknown> | undefined;
        return {
          methods: Object.keys(api ?? {}).sort(),
          hasRequire: typeof page['require'],
          hasProcess: typeof page['process'],
        };
      });
      expect(seen.methods).toEqual([...OPERATION_NAMES, 'onEvent'].sort());
      expect(seen.hasRequire).toBe('undefined');
      expect(seen.hasProcess).toBe('undefined');
      await expect
        .poll(() => window.getByRole('heading', { name: 'Keys' }).count())
        .toBe(1);
    } finally {
      await close();
    }
  });

  it('serves the UI from the app scheme with the strict policy header', async () => {
    const { app, close } = await launch(binary.path);
    try {
      const window = await app.firstWindow();
      await window.waitForLoadState('domcontentloaded');
      const answer = await window.evaluate(async () => {
        const response = await fetch('app://keys/index.html');
        return {
          status: response.status,
          policy: response.headers.get('content-security-policy'),
          sniffing: response.headers.get('x-content-type-options'),
        };
      });
      expect(answer).toEqual({
        status: 200,
        policy: CONTENT_SECURITY_POLICY,
        sniffing: 'nosniff',
      });
      const outside = await window.evaluate(
        async () => (await fetch('app://keys/..%2f..%2fpackage.json')).status,
      );
      expect(outside).toBe(404);
    } finally {
      await close();
    }
  });

  it('takes a deep link from its command line to the consent screen', async () => {
    const sandbox = await startSandbox({ port: 0 });
    const requester = await requestingApp();
    const link = new URL('btcpay-keys://authorize');
    link.searchParams.set('server', sandbox.url);
    link.searchParams.set('applicationName', 'Till app');
    link.searchParams.set('applicationIdentifier', 'till-app');
    link.searchParams.append('permissions', 'btcpay.store.canviewinvoices');
    link.searchParams.set('redirect', requester.redirect);
    const { app, close } = await launch(binary.path, [link.toString()]);
    try {
      const window = await app.firstWindow();
      await expect
        .poll(
          () =>
            window
              .getByRole('heading', { name: 'Till app asks for a BTCPay key' })
              .count(),
          { timeout: 20_000 },
        )
        .toBe(1);
      expect(await window.getByText('Unverified').count()).toBeGreaterThan(0);
    } finally {
      await close();
      await requester.close();
      await sandbox.close();
    }
  });
});
