import { chromium, type Browser } from 'playwright-core';

/**
 * Headless Chromium with the flags every browser-driven test and benchmark
 * of the project uses (no sandbox as root, no GPU, no network of its own):
 * Debian's `/usr/bin/chromium`, or the binary `CHROMIUM_PATH` names, as the
 * README tells macOS and Windows users to set it.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}
