#!/usr/bin/env node
// The `btcpay-keys` command. Runs the built command line (dist/cli, made by
// `npm ci` or `npm run build:cli`); in a checkout without a build it runs the
// TypeScript sources through tsx instead.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const built = fileURLToPath(
  new URL('../dist/cli/btcpay-keys.js', import.meta.url),
);
if (existsSync(built)) {
  await import(pathToFileURL(built).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../src/cli/main.ts', import.meta.url).href);
}
