import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  METADATA_VERSION,
  MetadataError,
  openVault,
  readMetadata,
  vaultFiles,
  type NewKey,
  type Vault,
} from '../../src/vault';
import {
  accountOf,
  nameOf,
  namesInFolder,
} from '../../src/vault/keychain-accounts';
import { emptyKeychain, fakeApiKey, tempHome, testKeychain } from './helpers';

// Data folders share one keychain service. Each folder made from now on
// files its secrets under a namespace of its own; one made before keeps its
// bare key ids. Either way a folder lists, reads and deletes only its own.

const NAMESPACE = 'n_abcdefghijklmnop';
const OTHER = 'n_qrstuvwxyz234567';
const KEY = 'k_aaaaaaaaaaaaaaaa';

describe('keychain accounts of a data folder', () => {
  it('puts the namespace before the key id, and reads it back', () => {
    expect(accountOf(NAMESPACE, KEY)).toBe(`${NAMESPACE}:${KEY}`);
    expect(nameOf(NAMESPACE, `${NAMESPACE}:${KEY}`)).toBe(KEY);
  });

  it('keeps bare key ids for a folder made before namespaces', () => {
    expect(accountOf(null, KEY)).toBe(KEY);
    expect(nameOf(null, KEY)).toBe(KEY);
  });

  it('owns no account of another folder, namespaced or bare', () => {
    expect(nameOf(NAMESPACE, `${OTHER}:${KEY}`)).toBeNull();
    expect(nameOf(NAMESPACE, KEY)).toBeNull();
    expect(nameOf(null, `${OTHER}:${KEY}`)).toBeNull();
    expect(nameOf(NAMESPACE, `${NAMESPACE}:`)).toBeNull();
    expect(nameOf(NAMESPACE, `${NAMESPACE}:${OTHER}:${KEY}`)).toBeNull();
    expect(
      namesInFolder(NAMESPACE, [
        `${NAMESPACE}:${KEY}`,
        `${OTHER}:k_bbbbbbbbbbbbbbbb`,
        'k_cccccccccccccccc',
      ]),
    ).toEqual([KEY]);
  });

  it('refuses a name that would reach into another folder', () => {
    expect(() => accountOf(null, `${OTHER}:${KEY}`)).toThrow(
      /must not contain ":"/,
    );
    expect(() => accountOf(NAMESPACE, `${OTHER}:${KEY}`)).toThrow(
      /not a local key id/,
    );
  });
});

const { store: keychain } = testKeychain();
afterAll(() => emptyKeychain(keychain));

let homes: Array<() => Promise<void>> = [];
async function folder(): Promise<{ home: string; vault: Vault }> {
  const { home, cleanup } = await tempHome();
  homes.push(cleanup);
  return { home, vault: await openVault({ home, secretStore: keychain }) };
}
afterEach(async () => {
  await emptyKeychain(keychain);
  for (const cleanup of homes) await cleanup();
  homes = [];
});

async function storeOne(vault: Vault, label: string) {
  const shop = await vault.addServer({
    baseUrl: 'http://127.0.0.1:23000/',
    name: 'Shop',
    mintMethod: 'authorize',
  });
  const input: NewKey = {
    secret: fakeApiKey(),
    serverId: shop.id,
    label,
    grantedPermissions: ['btcpay.store.canviewinvoices'],
    origin: { kind: 'imported' },
  };
  return { key: await vault.storeKey(input), secret: input.secret };
}

/** Rewrites a folder's metadata as a version 1 file, with bare accounts. */
async function makeOld(home: string): Promise<void> {
  const file = vaultFiles(home).metadata;
  const document = JSON.parse(await readFile(file, 'utf8')) as {
    keychainNamespace: string;
    keys: Array<{ id: string }>;
  };
  const { keychainNamespace, ...rest } = document;
  for (const { id } of document.keys) {
    const secret = await keychain.get(`${keychainNamespace}:${id}`);
    await keychain.set(id, secret ?? '');
    await keychain.delete(`${keychainNamespace}:${id}`);
  }
  await writeFile(file, JSON.stringify({ ...rest, version: 1 }));
}

describe('data folders sharing one keychain', () => {
  it('gives a new folder a namespace when its metadata is first written, and keeps it', async () => {
    const { home, vault } = await folder();
    const { key, secret } = await storeOne(vault, 'Till');

    const { keychainNamespace } = await readMetadata(home);
    expect(keychainNamespace).toMatch(/^n_[a-z2-7]{16}$/);
    expect(await keychain.accounts()).toEqual([
      `${keychainNamespace}:${key.id}`,
    ]);
    expect(await vault.readSecret(key.id, 'use')).toBe(secret);

    await storeOne(vault, 'Books');
    expect((await readMetadata(home)).keychainNamespace).toBe(
      keychainNamespace,
    );
  });

  it('never lists, adopts or deletes the entries of another folder', async () => {
    const a = await folder();
    const b = await folder();
    const { key, secret } = await storeOne(a.vault, 'Till');

    const seen = await b.vault.reconcile({ deleteOrphans: true });

    expect(seen.secretsWithoutMetadata).toEqual([]);
    expect(seen.repaired?.removedSecrets).toEqual([]);
    await expect(b.vault.readOrphanedSecret(key.id)).rejects.toMatchObject({
      code: 'key-not-found',
    });
    expect(await a.vault.readSecret(key.id, 'use')).toBe(secret);
    expect((await a.vault.reconcile({})).secretsWithoutMetadata).toEqual([]);
  });

  it('still reads a folder written before namespaces, and it ignores namespaced entries', async () => {
    const old = await folder();
    const { key, secret } = await storeOne(old.vault, 'Till');
    await makeOld(old.home);
    const fresh = await folder();
    const other = await storeOne(fresh.vault, 'Books');

    const document = await readMetadata(old.home);
    expect(document.version).toBe(METADATA_VERSION);
    expect(document.keychainNamespace).toBeNull();
    expect(await old.vault.readSecret(key.id, 'use')).toBe(secret);
    const report = await old.vault.reconcile({ deleteOrphans: true });
    expect(report.secretsWithoutMetadata).toEqual([]);
    expect(report.metadataWithoutSecret).toEqual([]);
    expect(await fresh.vault.readSecret(other.key.id, 'use')).toBe(
      other.secret,
    );
    expect((await fresh.vault.reconcile({})).secretsWithoutMetadata).toEqual(
      [],
    );
  });

  it('keeps the namespace of a set-aside file, so its orphans can be taken back', async () => {
    const { home, vault } = await folder();
    const { key, secret } = await storeOne(vault, 'Till');
    const { keychainNamespace } = await readMetadata(home);
    const file = vaultFiles(home).metadata;
    await writeFile(file, (await readFile(file, 'utf8')).slice(0, 200));

    await expect(readMetadata(home)).rejects.toBeInstanceOf(MetadataError);
    expect((await readMetadata(home)).keychainNamespace).toBe(
      keychainNamespace,
    );
    expect((await vault.reconcile({})).secretsWithoutMetadata).toEqual([
      key.id,
    ]);
    expect(await vault.readOrphanedSecret(key.id)).toBe(secret);
  });

  it('gives a folder whose set-aside file names no namespace a new one, never the old folders’ bare ids', async () => {
    const old = await folder();
    const { key, secret } = await storeOne(old.vault, 'Till');
    await makeOld(old.home);
    const damaged = await folder();
    await storeOne(damaged.vault, 'Books');
    await writeFile(vaultFiles(damaged.home).metadata, 'garbage');

    await expect(readMetadata(damaged.home)).rejects.toBeInstanceOf(
      MetadataError,
    );
    const report = await damaged.vault.reconcile({ deleteOrphans: true });
    expect(report.secretsWithoutMetadata).not.toContain(key.id);
    expect(await old.vault.readSecret(key.id, 'use')).toBe(secret);
    expect((await readMetadata(damaged.home)).keychainNamespace).toMatch(/^n_/);
  });

  it('keeps bare ids for a damaged file that says it was written before namespaces', async () => {
    const old = await folder();
    const { key, secret } = await storeOne(old.vault, 'Till');
    await makeOld(old.home);
    const file = vaultFiles(old.home).metadata;
    await writeFile(file, (await readFile(file, 'utf8')).slice(0, 40));

    await expect(readMetadata(old.home)).rejects.toBeInstanceOf(MetadataError);
    expect((await readMetadata(old.home)).keychainNamespace).toBeNull();
    expect((await old.vault.reconcile({})).secretsWithoutMetadata).toEqual([
      key.id,
    ]);
    expect(await old.vault.readOrphanedSecret(key.id)).toBe(secret);
  });

  it('refuses a metadata file of a newer version, as before', async () => {
    const { home, vault } = await folder();
    const file = vaultFiles(home).metadata;
    const newer = JSON.stringify({
      version: METADATA_VERSION + 1,
      keychainNamespace: null,
      servers: [],
      keys: [],
    });
    await writeFile(file, newer);

    await expect(vault.reconcile({})).rejects.toMatchObject({
      problem: 'newer-version',
    });
    expect(await readFile(file, 'utf8')).toBe(newer);
  });
});
