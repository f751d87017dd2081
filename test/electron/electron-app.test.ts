import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { _electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { OPERATION_NAMES } from '../../src/contract';

// The packaged-shape app in a real Electron, wherever its binary is installed.
// CI installs with ELECTRON_SKIP_BINARY_DOWNLOAD=1, so there this test says
// it did not run and proves that the missing binary is the only reason.

const root = path.resolve(import.meta.dirname, '..', '..');
const electronDir = path.join(root, 'node_modules', 'electron');

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

describe('the Electron app', () => {
  if ('missing' in binary) {
    it('did not run: only the Electron binary is missing', () => {
      console.log(
        `test/electron: the Electron app test did not run: ${binary.missing}.`,
      );
      expect(existsSync(path.join(electronDir, 'package.json'))).toBe(true);
      expect(binary.missing).toMatch(/binary/);
    });
    return;
  }

  it('opens a sandboxed window that sees only the typed API', async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), 'btcpay-keys-electron-'));
    const app = await _electron.launch({
      executablePath: binary.path,
      args: [path.join(root, 'dist', 'main', 'main.js'), '--no-sandbox'],
      env: { ...process.env, BTCPAY_KEYS_HOME: home },
    });
    try {
      const window = await app.firstWindow();
      await window.waitForLoadState('domcontentloaded');
      expect(window.url()).toBe('app://keys/index.html');
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
      await app.close();
      await rm(home, { recursive: true, force: true });
    }
  });
});
