import {
  afterAll,
  afterEach,
  beforeEach,
  describe,
  expect,
  it,
  vi,
} from 'vitest';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createLogger } from '../../src/log/logger';
import { openVault, vaultFiles, type Vault } from '../../src/vault';
import { folderSecretStore } from '../../src/vault/folder-keychain';
import { emptyKeychain, fakeApiKey, tempHome, testKeychain } from './helpers';

// The disk fills up exactly when the metadata is written: the real
// write-file-atomic, failing on demand for metadata.json only.
const disk = vi.hoisted(() => ({ fullFor: null as string | null }));
vi.mock('write-file-atomic', async (importOriginal) => {
  const real = (await importOriginal()) as {
    default: (...args: unknown[]) => Promise<void>;
  };
  return {
    default: (file: string, ...rest: unknown[]) => {
      if (file === disk.fullFor) {
        return Promise.reject(
          Object.assign(new Error('ENOSPC: no space left on device'), {
            code: 'ENOSPC',
          }),
        );
      }
      return real.default(file, ...rest);
    },
  };
});

const { store } = testKeychain();
afterAll(() => emptyKeychain(store));

let home: string;
let cleanup: () => Promise<void>;
let vault: Vault;
beforeEach(async () => {
  ({ home, cleanup } = await tempHome());
  vault = await openVault({ home, secretStore: store });
});
afterEach(async () => {
  disk.fullFor = null;
  await cleanup();
});

describe('storeKey when the metadata cannot be written', () => {
  it('removes the keychain entry again and reports the write failure', async () => {
    const shop = await vault.addServer({
      baseUrl: 'http://127.0.0.1:23000/',
      name: 'Shop',
      mintMethod: 'basic',
    });
    disk.fullFor = vaultFiles(home).metadata;

    await expect(
      vault.storeKey({
        secret: fakeApiKey(),
        serverId: shop.id,
        label: 'Invoices',
        grantedPermissions: ['btcpay.store.canviewinvoices'],
        origin: { kind: 'rest', via: 'basic' },
      }),
    ).rejects.toMatchObject({ code: 'ENOSPC' });

    disk.fullFor = null;
    expect(await store.accounts()).toEqual([]);
    expect((await vault.metadata()).keys).toEqual([]);
    expect((await vault.events()).map((event) => event.action)).toEqual([
      'server.added',
    ]);
  });
});

describe('storeKey when only its log entry cannot be written', () => {
  it('keeps the key it stored, and says in the log that the entry is missing', async () => {
    const logFile = path.join(home, 'logs', 'test.log');
    const logged = await openVault({
      home,
      secretStore: store,
      logger: createLogger({ destination: logFile }),
    });
    const shop = await logged.addServer({
      baseUrl: 'http://127.0.0.1:23000/',
      name: 'Shop',
      mintMethod: 'basic',
    });
    // The log's head anchor is written after the metadata and the line.
    disk.fullFor = vaultFiles(home).eventsHead;

    // Resolving tells the caller the key was kept: it must not revoke it.
    const key = await logged.storeKey({
      secret: fakeApiKey(),
      serverId: shop.id,
      label: 'Invoices',
      grantedPermissions: ['btcpay.store.canviewinvoices'],
      origin: { kind: 'rest', via: 'basic' },
    });

    disk.fullFor = null;
    expect((await logged.metadata()).keys.map((k) => k.id)).toEqual([key.id]);
    expect(await folderSecretStore(store, home).accounts()).toEqual([key.id]);
    const log = await readFile(logFile, 'utf8');
    expect(log).toContain('could not be added to the event log');
    expect(log).toContain(key.id);
  });
});
