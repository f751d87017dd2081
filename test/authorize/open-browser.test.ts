import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  browserOpener,
  isBrowsableUrl,
  openSystemBrowser,
} from '../../src/authorize/open-browser';

const AUTHORIZE_URL =
  'https://btcpay.example.com/api-keys/authorize?applicationName=My%20Shop' +
  '&permissions=btcpay.store.canviewinvoices&strict=true&redirect=' +
  'http%3A%2F%2F127.0.0.1%3A5123%2Fcallback%2Fabc';

describe('isBrowsableUrl', () => {
  it('accepts only http and https addresses without credentials', () => {
    expect(isBrowsableUrl(AUTHORIZE_URL)).toBe(true);
    expect(isBrowsableUrl('http://127.0.0.1:1/x')).toBe(true);
    for (const url of [
      'javascript:alert(1)',
      'file:///etc/passwd',
      'data:text/html,hi',
      'btcpay-keys://authorize',
      'https://user:secret@btcpay.example.com/',
      'not a url',
    ]) {
      expect(isBrowsableUrl(url)).toBe(false);
    }
  });
});

describe('browserOpener', () => {
  it('hands the URL over as one argument on every desktop', () => {
    expect(browserOpener('linux').command).toBe('xdg-open');
    expect(browserOpener('darwin').command).toBe('open');
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      const args = browserOpener(platform).args(AUTHORIZE_URL);
      expect(args.at(-1)).toBe(AUTHORIZE_URL);
      expect(
        args.filter((arg) => arg.includes('btcpay.example.com')),
      ).toHaveLength(1);
    }
  });
});

const onLinux = process.platform === 'linux';
if (!onLinux) {
  console.info(
    'Skipping the xdg-open tests: they stand in for the Linux opener only.',
  );
}

describe('openSystemBrowser', () => {
  const originalPath = process.env['PATH'];
  let folder: string | undefined;
  afterEach(async () => {
    process.env['PATH'] = originalPath;
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('refuses a URL that is not http(s) without running anything', async () => {
    expect(await openSystemBrowser('file:///etc/passwd')).toBe(false);
    expect(await openSystemBrowser('javascript:alert(1)')).toBe(false);
  });

  it.runIf(onLinux)(
    'runs xdg-open with the URL as its only argument, untouched by a shell',
    async () => {
      folder = await mkdtemp(path.join(os.tmpdir(), 'btcpay-keys-opener-'));
      const record = path.join(folder, 'argv');
      // Stands in for the desktop's opener so no real browser starts.
      const opener = path.join(folder, 'xdg-open');
      await writeFile(
        opener,
        `#!/bin/sh\nprintf '%s\\n' "$#" "$@" > '${record}'\n`,
      );
      await chmod(opener, 0o755);
      process.env['PATH'] = folder;

      expect(await openSystemBrowser(AUTHORIZE_URL)).toBe(true);
      expect(await readFile(record, 'utf8')).toBe(`1\n${AUTHORIZE_URL}\n`);
    },
  );

  it.runIf(onLinux)('reports false when no opener is installed', async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), 'btcpay-keys-opener-'));
    process.env['PATH'] = folder;

    expect(await openSystemBrowser(AUTHORIZE_URL)).toBe(false);
  });
});
