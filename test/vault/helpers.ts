import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createKeytarStore, type SecretStore } from '../../src/vault';
import { removeDataFolder } from '../support/data-folder';

/** A fresh data folder, scanned for leaks and removed by the cleanup. */
export async function tempHome(): Promise<{
  home: string;
  cleanup: () => Promise<void>;
}> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'btcpay-keys-vault-'));
  return { home, cleanup: () => removeDataFolder(home) };
}

/**
 * The real keychain under a service of its own, so test files running side
 * by side in one keyring session never see each other's entries.
 */
export function testKeychain(): { store: SecretStore; service: string } {
  const service = `btcpay-key-manager-test-${process.pid}-${Math.random()
    .toString(36)
    .slice(2, 8)}`;
  return { store: createKeytarStore({ service }), service };
}

/** Deletes every entry a test left under its keychain service. */
export async function emptyKeychain(store: SecretStore): Promise<void> {
  for (const account of await store.accounts()) await store.delete(account);
}

/** The folder of the child scripts and preloads. */
export const children = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  'children',
);

/** Runs a TypeScript child script in its own Node process. */
export function runChild(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  nodeArgs: string[] = [],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...nodeArgs, '--import', 'tsx', path.join(children, script), ...args],
      { env, timeout: 120_000 },
      (error, stdout, stderr) => {
        const code = error
          ? Number((error as { code?: unknown }).code ?? 1)
          : 0;
        resolve({ code: Number.isNaN(code) ? 1 : code, stdout, stderr });
      },
    );
  });
}

/** A well-formed fake API key: 40 hex characters, unique per call. */
export function fakeApiKey(): string {
  let key = '';
  while (key.length < 40) key += Math.random().toString(16).slice(2);
  return key.slice(0, 40);
}
