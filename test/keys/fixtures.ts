import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSandbox, type Sandbox, type SandboxOptions } from '../sandbox';
import { silentLogger } from '../../src/log/logger';
import {
  createKeyManagerService,
  type KeyManagerService,
  type ServiceDeps,
} from '../../src/service';
import { openVault, type Vault } from '../../src/vault';
import { removeDataFolder } from '../support/data-folder';

/** A sandbox whose Basic-auth throttle does not get in the way of tests. */
export function startRelaxedSandbox(
  options: SandboxOptions = {},
): Promise<Sandbox> {
  return startSandbox({
    basicRateLimit: { perMinute: 600, burst: 100 },
    ...options,
  });
}

/** The password of a sandbox account, by its email's role part. */
export function passwordOf(sandbox: Sandbox, email: string): string {
  const user = sandbox.users.find((candidate) => candidate.email === email);
  if (!user) throw new Error(`the sandbox has no ${email}`);
  return user.password;
}

/** The first store the account owns in the sandbox. */
export function storeOf(sandbox: Sandbox, email: string): string {
  const store = sandbox.stores.find((s) => s.ownerEmail === email);
  if (!store) throw new Error(`${email} owns no store in the sandbox`);
  return store.id;
}

/** A vault in a fresh temp folder, on the real keychain. */
export async function openTempVault(): Promise<{
  vault: Vault;
  cleanup: () => Promise<void>;
}> {
  const home = await mkdtemp(path.join(tmpdir(), 'btcpay-keys-core-'));
  const vault = await openVault({ home });
  return { vault, cleanup: () => removeDataFolder(home) };
}

/**
 * The app's service on `vault` with nothing around it: no window to tell,
 * no browser, an empty clipboard and a silent log, unless `deps` gives one.
 */
export function quietService(
  vault: Vault,
  deps: Partial<Omit<ServiceDeps, 'vault'>> = {},
): KeyManagerService {
  return createKeyManagerService({
    vault,
    logger: silentLogger,
    emit: () => undefined,
    openBrowser: async () => undefined,
    clipboard: { write: () => undefined, read: () => '' },
    ...deps,
  });
}
