import { createServer, type Server, type Socket } from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createKeytarStore,
  KeychainError,
  type KeytarBackend,
} from '../../src/vault';
import {
  children,
  emptyKeychain,
  fakeApiKey,
  runChild,
  tempHome,
  testKeychain,
} from './helpers';

const { store, service } = testKeychain();
afterAll(() => emptyKeychain(store));

describe('createKeytarStore with the real keychain', () => {
  it('stores, reads, lists and deletes a secret', async () => {
    const secret = fakeApiKey();
    await store.set('k_roundtripaaaaaaaa', secret);

    expect(await store.get('k_roundtripaaaaaaaa')).toBe(secret);
    expect(await store.accounts()).toContain('k_roundtripaaaaaaaa');
    expect(await store.delete('k_roundtripaaaaaaaa')).toBe(true);
    expect(await store.get('k_roundtripaaaaaaaa')).toBeNull();
    expect(await store.delete('k_roundtripaaaaaaaa')).toBe(false);
  });

  it('lists accounts as names only, never their secrets', async () => {
    const secret = fakeApiKey();
    await store.set('k_listedaaaaaaaaaa', secret);

    const accounts = await store.accounts();

    expect(JSON.stringify(accounts)).not.toContain(secret);
    expect(accounts.every((account) => typeof account === 'string')).toBe(true);
    await store.delete('k_listedaaaaaaaaaa');
  });

  it('refuses an API key as an account name', async () => {
    const key = fakeApiKey();
    await expect(store.set(key, 'x')).rejects.toThrow(/never a key/);
    await expect(store.get(key)).rejects.not.toThrow(key);
  });

  it('keeps entries of another service apart', async () => {
    const other = createKeytarStore({ service: `${service}-other` });
    await other.set('k_otherserviceaaaa', 'x');

    expect(await store.accounts()).not.toContain('k_otherserviceaaaa');
    await other.delete('k_otherserviceaaaa');
  });
});

/** A keytar that never answers, like a Secret Service stuck on D-Bus. */
const silentBackend: KeytarBackend = {
  setPassword: () => new Promise(() => undefined),
  getPassword: () => new Promise(() => undefined),
  deletePassword: () => new Promise(() => undefined),
  findCredentials: () => new Promise(() => undefined),
};

describe('keychain timeout', () => {
  it('gives up with a timeout KeychainError when nothing answers', async () => {
    const stuck = createKeytarStore({
      backend: silentBackend,
      timeoutMs: 50,
      platform: 'linux',
    });

    const error = await stuck
      .get('k_whateveraaaaaaaa')
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(KeychainError);
    expect(error).toMatchObject({
      store: 'Secret Service (libsecret)',
      reason: 'timeout',
    });
    expect((error as KeychainError).fix).toMatch(/unlock prompt/);
  });

  it('does not hang when the session bus accepts but never answers', async () => {
    const { home, cleanup } = await tempHome();
    const socket = path.join(home, 'silent-bus');
    const connections: Socket[] = [];
    // Accepts connections and never says a word, like a frozen bus.
    const silentBus: Server = createServer((connection) => {
      connections.push(connection);
    });
    await new Promise<void>((resolve) => silentBus.listen(socket, resolve));

    const result = await runChild('keychain-probe.ts', [service, '1500'], {
      ...process.env,
      DBUS_SESSION_BUS_ADDRESS: `unix:path=${socket}`,
    });
    for (const connection of connections) connection.destroy();
    await new Promise((resolve) => silentBus.close(resolve));
    await cleanup();

    const outcome = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(result.code).toBe(0);
    expect(outcome).toMatchObject({
      ok: false,
      name: 'KeychainError',
      reason: 'timeout',
    });
    expect(outcome['message']).toMatch(/never answered/);
  });
});

describe('KeychainError without a Secret Service', () => {
  it('names the store and the packages to install when no session bus runs', async () => {
    const env = { ...process.env };
    delete env['DBUS_SESSION_BUS_ADDRESS'];
    delete env['DISPLAY'];

    const result = await runChild('keychain-probe.ts', [service, '20000'], env);
    const outcome = JSON.parse(result.stdout) as Record<string, string>;

    expect(outcome).toMatchObject({
      ok: false,
      name: 'KeychainError',
      store: 'Secret Service (libsecret)',
      reason: 'unavailable',
    });
    expect(outcome['fix']).toContain('gnome-keyring dbus libsecret-1-dev');
    expect(outcome['message']).toContain(
      'Secret Service (libsecret) is not available',
    );
  });

  it('explains a session bus address that leads nowhere', async () => {
    const result = await runChild('keychain-probe.ts', [service, '20000'], {
      ...process.env,
      DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/btcpay-keys-bus',
    });
    const outcome = JSON.parse(result.stdout) as Record<string, string>;

    expect(outcome).toMatchObject({ reason: 'unavailable' });
    expect(outcome['fix']).toMatch(/No D-Bus session bus is reachable/);
  });
});

describe('KeychainError without keytar', () => {
  it('says how to rebuild keytar when the native module cannot load', async () => {
    const preload = path.join(children, 'without-keytar.mjs');

    const result = await runChild(
      'keychain-probe.ts',
      [service, '20000'],
      process.env,
      ['--import', preload],
    );
    const outcome = JSON.parse(result.stdout) as Record<string, string>;

    expect(outcome).toMatchObject({
      name: 'KeychainError',
      reason: 'native-module',
    });
    expect(outcome['fix']).toMatch(/npm rebuild keytar/);
  });
});

describe('classifying keychain failures', () => {
  const failing = (message: string, platform: NodeJS.Platform) =>
    createKeytarStore({
      platform,
      backend: {
        ...silentBackend,
        getPassword: () => Promise.reject(new Error(message)),
      },
    }).get('k_classifyaaaaaaaa');

  it('reports a locked keyring as locked, with how to unlock it', async () => {
    await expect(
      failing('Cannot create an item in a locked collection', 'linux'),
    ).rejects.toMatchObject({
      reason: 'locked',
      fix: expect.stringMatching(/Unlock/),
    });
  });

  it('reports a refused macOS Keychain prompt as denied', async () => {
    await expect(
      failing('User canceled the operation.', 'darwin'),
    ).rejects.toMatchObject({
      store: 'macOS Keychain',
      reason: 'denied',
      fix: expect.stringMatching(/Always Allow/),
    });
  });

  it('points Windows users to Credential Manager', async () => {
    await expect(
      failing('A specified logon session does not exist.', 'win32'),
    ).rejects.toMatchObject({
      store: 'Windows Credential Manager',
      reason: 'unavailable',
      fix: expect.stringMatching(/Credential Manager/),
    });
  });
});
