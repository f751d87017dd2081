import { afterAll, beforeAll } from 'vitest';
import type { Sandbox } from '../sandbox';
import { startRelaxedSandbox } from '../keys/fixtures';
import { ensureFreshBuild, makeHome, removeHome, runCli } from './run-cli';

/** A sandbox and a data folder that already knows it as a server. */
export interface CliWithServer {
  sandbox: Sandbox;
  home: string;
}

/** Builds the CLI if needed, starts a sandbox and runs `server add` on it. */
export async function startCliWithServer(): Promise<CliWithServer> {
  await ensureFreshBuild();
  const sandbox = await startRelaxedSandbox();
  const home = await makeHome();
  const add = await runCli(home, ['server', 'add', sandbox.url]);
  if (add.code !== 0) {
    await sandbox.close();
    await removeHome(home);
    throw new Error(`server add exited ${add.code}: ${add.stderr}`);
  }
  return { sandbox, home };
}

/**
 * A sandbox and a data folder that knows it, for the whole test file:
 * started before its first test and stopped after its last (after the
 * file's own `afterAll` hooks, which run first). Read `home` and `sandbox`
 * from the returned object inside hooks and tests, not at load time.
 */
export function useCliWithServer(timeoutMs = 120_000): CliWithServer {
  let setup: CliWithServer | null = null;
  const started = (): CliWithServer => {
    if (!setup) throw new Error('useCliWithServer: read before beforeAll ran');
    return setup;
  };
  beforeAll(async () => {
    setup = await startCliWithServer();
  }, timeoutMs);
  afterAll(async () => {
    if (setup) await stopCliWithServer(setup);
  });
  return {
    get sandbox() {
      return started().sandbox;
    },
    get home() {
      return started().home;
    },
  };
}

/** Stops what `startCliWithServer` started. */
export async function stopCliWithServer(setup: CliWithServer): Promise<void> {
  await setup.sandbox.close();
  await removeHome(setup.home);
}

/**
 * Mints a key for `email` in the sandbox and imports it with
 * `key import --key-stdin --json`; the secret goes on stdin, never argv.
 */
export async function importMintedKey(
  setup: CliWithServer,
  email: string,
  label: string,
  permissions: string[] = [],
): Promise<{ id: string; secret: string; key: Record<string, unknown> }> {
  const secret = setup.sandbox.admin.mintKey(email, permissions, label);
  const run = await runCli(
    setup.home,
    ['key', 'import', '--server', setup.sandbox.url, '--key-stdin', '--json'],
    { input: `${secret}\n` },
  );
  if (run.code !== 0) {
    throw new Error(`key import exited ${run.code}: ${run.stderr}`);
  }
  const { key } = JSON.parse(run.stdout) as {
    key: Record<string, unknown> & { id: string };
  };
  return { id: key.id, secret, key };
}

/** `key create --server <the sandbox> --label <label>`; options follow. */
export function keyCreateArgs(setup: CliWithServer, label: string): string[] {
  return ['key', 'create', '--server', setup.sandbox.url, '--label', label];
}
