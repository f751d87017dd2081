import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  fingerprintKey,
  newKeyId,
  openVault,
  VaultError,
  type KeyRecord,
  type NewKey,
  type SecretStore,
  type Vault,
} from '../../src/vault';
import { createLogger } from '../../src/log/logger';
import { folderSecretStore } from '../../src/vault/folder-keychain';
import { emptyKeychain, fakeApiKey, tempHome, testKeychain } from './helpers';

const { store: keychain } = testKeychain();
afterAll(() => emptyKeychain(keychain));

let home: string;
let cleanup: () => Promise<void>;
let vault: Vault;
/** The keychain as the test's data folder sees it: entries by key id. */
let store: SecretStore;
beforeEach(async () => {
  ({ home, cleanup } = await tempHome());
  vault = await openVault({ home, secretStore: keychain });
  store = folderSecretStore(keychain, home);
});
afterEach(async () => {
  await emptyKeychain(keychain);
  await cleanup();
});

const addShop = () =>
  vault.addServer({
    baseUrl: 'http://127.0.0.1:23000/btcpay',
    name: 'Shop',
    mintMethod: 'authorize',
  });

const keyFor = (serverId: string, overrides: Partial<NewKey> = {}): NewKey => ({
  secret: fakeApiKey(),
  serverId,
  label: 'Invoices for the shop',
  grantedPermissions: ['btcpay.store.canviewinvoices'],
  origin: { kind: 'authorize' },
  ...overrides,
});

const actions = async () => (await vault.events()).map((event) => event.action);

/** Every file in the data folder, read as text. */
async function dataFolderText(): Promise<string> {
  const names = await readdir(home, { recursive: true, withFileTypes: true });
  const files = names.filter((entry) => entry.isFile());
  const texts = await Promise.all(
    files.map((entry) =>
      readFile(path.join(entry.parentPath, entry.name), 'utf8'),
    ),
  );
  return texts.join('\n');
}

describe('vault servers', () => {
  it('adds a server once, whatever form its address is given in', async () => {
    const first = await addShop();
    const again = await vault.addServer({
      baseUrl: 'http://127.0.0.1:23000/btcpay/?utm=1',
      name: 'Other name',
      mintMethod: 'basic',
    });

    expect(again.id).toBe(first.id);
    expect(first.baseUrl).toBe('http://127.0.0.1:23000/btcpay/');
    expect((await vault.metadata()).servers).toHaveLength(1);
    expect(await actions()).toEqual(['server.added']);
  });

  it('finds a server by id or address, and returns null for others', async () => {
    const shop = await addShop();

    expect((await vault.findServer(shop.id))?.id).toBe(shop.id);
    expect((await vault.findServer('http://127.0.0.1:23000/btcpay'))?.id).toBe(
      shop.id,
    );
    expect(await vault.findServer('http://127.0.0.1:9/')).toBeNull();
    expect(await vault.findServer('not a url')).toBeNull();
  });

  it('updates a server and logs which fields changed', async () => {
    const shop = await addShop();

    const updated = await vault.updateServer(shop.id, {
      serverVersion: '2.3.0',
    });

    expect(updated.serverVersion).toBe('2.3.0');
    expect((await vault.events()).at(-1)).toMatchObject({
      action: 'server.updated',
      details: { fields: ['serverVersion'] },
    });
  });

  it('refuses to remove a server whose keys are stored, unless forced', async () => {
    const shop = await addShop();
    const key = await vault.storeKey(keyFor(shop.id));

    await expect(vault.removeServer(shop.id)).rejects.toMatchObject({
      code: 'server-has-keys',
    });
    await vault.removeServer(shop.id, { force: true });

    expect(await vault.metadata()).toMatchObject({ servers: [], keys: [] });
    expect(await store.get(key.id)).toBeNull();
    expect((await actions()).slice(-2)).toEqual([
      'key.deleted',
      'server.removed',
    ]);
  });
});

describe('vault keys', () => {
  it('keeps the secret in the keychain and only its fingerprint on disk', async () => {
    const shop = await addShop();
    const input = keyFor(shop.id);

    const key = await vault.storeKey(input);

    expect(key.id).toMatch(/^k_[a-z2-7]{16}$/);
    expect(key.fingerprint).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(await store.get(key.id)).toBe(input.secret);
    expect((await vault.metadata()).keys).toEqual([key]);
    expect(await dataFolderText()).not.toContain(input.secret);
  });

  it('reads the secret back; logs revealing and copying but not using', async () => {
    const shop = await addShop();
    const input = keyFor(shop.id);
    const key = await vault.storeKey(input);

    expect(await vault.readSecret(key.id, 'use')).toBe(input.secret);
    expect(await vault.readSecret(key.id, 'reveal')).toBe(input.secret);
    expect(await vault.readSecret(key.id, 'copy')).toBe(input.secret);

    expect(await actions()).toEqual([
      'server.added',
      'key.created',
      'key.revealed',
      'key.copied',
    ]);
    expect(await dataFolderText()).not.toContain(input.secret);
  });

  it('logs imported and delegated keys as such', async () => {
    const shop = await addShop();
    await vault.storeKey(keyFor(shop.id, { origin: { kind: 'imported' } }));
    await vault.storeKey(
      keyFor(shop.id, {
        origin: {
          kind: 'delegated',
          via: 'manager',
          app: { name: 'POS', identifier: 'org.example.pos', callback: null },
        },
      }),
    );

    expect((await actions()).slice(1)).toEqual([
      'key.imported',
      'key.delegated',
    ]);
  });

  it("makes a stored manager key the server's manager key", async () => {
    const shop = await addShop();

    const key = await vault.storeKey(
      keyFor(shop.id, {
        grantedPermissions: ['unrestricted'],
        isManager: true,
      }),
    );

    expect((await vault.findServer(shop.id))?.managerKeyId).toBe(key.id);
  });

  it.each(['stored', 'adopted'])(
    'hands the manager role to a manager key that is %s',
    async (how) => {
      const shop = await addShop();
      const manager = { grantedPermissions: ['unrestricted'], isManager: true };
      const first = await vault.storeKey(keyFor(shop.id, manager));

      let second: KeyRecord;
      if (how === 'stored') {
        second = await vault.storeKey(keyFor(shop.id, manager));
      } else {
        const orphan = newKeyId();
        await store.set(orphan, fakeApiKey());
        const { secret: _, ...fields } = keyFor(shop.id, manager);
        second = await vault.adoptOrphanedSecret(orphan, fields);
      }

      const { keys, servers } = await vault.metadata();
      expect(servers.find((s) => s.id === shop.id)?.managerKeyId).toBe(
        second.id,
      );
      expect(keys.filter((k) => k.isManager).map((k) => k.id)).toEqual([
        second.id,
      ]);
      expect(keys.map((k) => k.id)).toContain(first.id);
    },
  );

  it('stores nothing for a server that is not stored', async () => {
    await expect(vault.storeKey(keyFor('s_missing'))).rejects.toMatchObject({
      code: 'server-not-found',
    });
    expect(await store.accounts()).toEqual([]);
  });

  it('removes the keychain entry when the server vanished before the metadata write', async () => {
    const shop = await addShop();
    // Another process removes the server between the two writes.
    const racing: SecretStore = {
      ...keychain,
      set: async (account, secret) => {
        await keychain.set(account, secret);
        await vault.update((draft) => {
          draft.servers = [];
        });
      },
    };
    const racingVault = await openVault({ home, secretStore: racing });

    await expect(racingVault.storeKey(keyFor(shop.id))).rejects.toBeInstanceOf(
      VaultError,
    );
    expect(await store.accounts()).toEqual([]);
    expect((await vault.metadata()).keys).toEqual([]);
  });

  it('deletes a key from the keychain and the metadata', async () => {
    const shop = await addShop();
    const key = await vault.storeKey(keyFor(shop.id));

    await vault.deleteKey(key.id);

    expect(await store.get(key.id)).toBeNull();
    expect((await vault.metadata()).keys).toEqual([]);
    expect(
      await vault.readSecret(key.id, 'use').catch((e: unknown) => e),
    ).toMatchObject({
      code: 'key-not-found',
    });
    expect((await vault.events()).at(-1)).toMatchObject({
      action: 'key.deleted',
      keyId: key.id,
      fingerprint: key.fingerprint,
    });
  });

  it("keeps a revoked key's record but drops its secret", async () => {
    const shop = await addShop();
    const key = await vault.storeKey(keyFor(shop.id));

    const revoked = await vault.markRevoked(key.id);

    expect(revoked.revokedAt).not.toBeNull();
    expect(await store.get(key.id)).toBeNull();
    await expect(vault.readSecret(key.id, 'reveal')).rejects.toMatchObject({
      code: 'key-revoked',
    });
    expect(await vault.reconcile({ repair: false })).toMatchObject({
      metadataWithoutSecret: [],
    });
  });

  it('deletes the secret once when three revoke the same key at once', async () => {
    const shop = await addShop();
    const key = await vault.storeKey(keyFor(shop.id));
    let deletes = 0;
    const counting: SecretStore = {
      ...keychain,
      delete: (account) => {
        deletes += 1;
        return keychain.delete(account);
      },
    };
    const vaults = await Promise.all(
      [1, 2, 3].map(() => openVault({ home, secretStore: counting })),
    );

    const results = await Promise.allSettled(
      vaults.map((each) => each.markRevoked(key.id)),
    );

    // Two deleting one Secret Service item at once can fail; one deletes.
    expect(deletes).toBe(1);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(
      results.flatMap((r) =>
        r.status === 'rejected' ? [(r.reason as { code: string }).code] : [],
      ),
    ).toEqual(['key-revoked', 'key-revoked']);
    const revocations = (await vault.events()).filter(
      (event) => event.action === 'key.revoked',
    );
    expect(revocations).toHaveLength(1);
  });

  it('keeps what was stored when the server reports other permissions', async () => {
    const shop = await addShop();
    const key = await vault.storeKey(keyFor(shop.id));
    const stored = key.grantedPermissions;

    const verified = await vault.recordVerification(key.id, {
      at: new Date().toISOString(),
      result: 'valid',
      permissions: ['btcpay.store.cancreateinvoice:StoreB'],
    });
    expect(verified.lastVerification?.previousPermissions).toEqual(stored);

    const agreed = await vault.recordVerification(key.id, {
      at: new Date().toISOString(),
      result: 'valid',
      permissions: ['BTCPAY.STORE.CANCREATEINVOICE:StoreB'],
    });
    expect(agreed.lastVerification?.previousPermissions).toBeNull();
  });

  it('records many verifications in one metadata write and one log append', async () => {
    const shop = await addShop();
    const first = await vault.storeKey(keyFor(shop.id));
    const second = await vault.storeKey(keyFor(shop.id));
    const gone = await vault.storeKey(keyFor(shop.id));
    await vault.deleteKey(gone.id);
    const before = (await vault.events()).length;
    const at = new Date().toISOString();

    const written = await vault.recordVerifications([
      {
        keyId: first.id,
        verification: {
          at,
          result: 'valid',
          permissions: ['btcpay.store.canviewinvoices:StoreC'],
        },
      },
      { keyId: gone.id, verification: { at, result: 'unknown-key' } },
      { keyId: second.id, verification: { at, result: 'unknown-key' } },
    ]);

    expect(written.map((key) => key.id)).toEqual([first.id, second.id]);
    const stored = (await vault.metadata()).keys;
    expect(stored.find((k) => k.id === first.id)).toMatchObject({
      grantedPermissions: ['btcpay.store.canviewinvoices:StoreC'],
      lastVerification: { result: 'valid' },
    });
    expect(
      stored.find((k) => k.id === second.id)?.lastVerification?.result,
    ).toBe('unknown-key');
    const logged = (await vault.events()).slice(before);
    expect(logged.map((e) => [e.action, e.keyId])).toEqual([
      ['key.verified', first.id],
      ['key.verified', second.id],
    ]);
    expect(await vault.verifyLog()).toMatchObject({ ok: true });
  });

  it('refuses to record a verification for a key that is not stored', async () => {
    await expect(
      vault.recordVerification(newKeyId(), {
        at: new Date().toISOString(),
        result: 'valid',
        permissions: [],
      }),
    ).rejects.toMatchObject({ code: 'key-not-found' });
  });

  it("records a verification and takes the server's permissions", async () => {
    const shop = await addShop();
    const key = await vault.storeKey(keyFor(shop.id));

    const verified = await vault.recordVerification(key.id, {
      at: new Date().toISOString(),
      result: 'valid',
      permissions: ['btcpay.store.canviewinvoices:StoreA'],
    });

    expect(verified.grantedPermissions).toEqual([
      'btcpay.store.canviewinvoices:StoreA',
    ]);
    expect(verified.lastVerification?.result).toBe('valid');
    expect((await vault.events()).at(-1)).toMatchObject({
      action: 'key.verified',
      details: { result: 'valid' },
    });
  });

  it('refuses a keychain entry that is not the stored key', async () => {
    const shop = await addShop();
    const key = await vault.storeKey(keyFor(shop.id));
    await store.set(key.id, fakeApiKey());

    await expect(vault.readSecret(key.id, 'use')).rejects.toMatchObject({
      code: 'secret-mismatch',
    });
  });

  it('writes only the stored key back into its lost or replaced entry, and logs it', async () => {
    const shop = await addShop();
    const secret = fakeApiKey();
    const key = await vault.storeKey({ ...keyFor(shop.id), secret });
    const restoredEvents = async () =>
      (await vault.events()).filter((e) => e.action === 'key.restored');

    const held = await vault.restoreSecret(key.id, secret);
    expect(held.previously).toBe('held');
    expect(await restoredEvents()).toEqual([]);

    await expect(
      vault.restoreSecret(key.id, fakeApiKey()),
    ).rejects.toMatchObject({ code: 'secret-mismatch' });

    await store.delete(key.id);
    expect(await vault.restoreSecret(key.id, secret)).toMatchObject({
      previously: 'missing',
      overwrittenFingerprint: null,
    });
    expect(await vault.readSecret(key.id, 'use')).toBe(secret);

    const other = fakeApiKey();
    await store.set(key.id, other);
    expect(await vault.restoreSecret(key.id, secret)).toMatchObject({
      previously: 'replaced',
      overwrittenFingerprint: fingerprintKey(other),
    });
    expect(await store.get(key.id)).toBe(secret);
    expect((await restoredEvents()).map((e) => e.details)).toEqual([
      { previously: 'missing', overwrittenFingerprint: null },
      { previously: 'replaced', overwrittenFingerprint: fingerprintKey(other) },
    ]);

    await vault.markRevoked(key.id);
    await expect(vault.restoreSecret(key.id, secret)).rejects.toMatchObject({
      code: 'key-revoked',
    });
    expect(await store.get(key.id)).toBeNull();
  });

  it("updates a key's label", async () => {
    const shop = await addShop();
    const key = await vault.storeKey(keyFor(shop.id));

    const renamed = await vault.updateKey(key.id, { label: 'Point of sale' });

    expect(renamed).toMatchObject({ id: key.id, label: 'Point of sale' });
    expect((await vault.metadata()).keys[0]?.label).toBe('Point of sale');
  });
});

describe('vault logging', () => {
  it('writes ids and fingerprints to the logger, never the secret', async () => {
    const logFile = path.join(home, 'logs', 'vault.log');
    const logged = await openVault({
      home,
      secretStore: keychain,
      logger: createLogger({ destination: logFile, level: 'debug' }),
    });
    const shop = await logged.addServer({
      baseUrl: 'http://127.0.0.1:23000/',
      name: 'Shop',
      mintMethod: 'authorize',
    });
    const input = keyFor(shop.id);
    const key = await logged.storeKey(input);
    await logged.readSecret(key.id, 'reveal');
    await logged.readSecret(key.id, 'copy');
    await logged.deleteKey(key.id);

    const text = await readFile(logFile, 'utf8');
    expect(text).toContain(key.fingerprint);
    expect(text).toContain('key.revealed');
    expect(text).not.toContain(input.secret);
    expect(await dataFolderText()).not.toContain(input.secret);
  });
});

describe('vault reconcile', () => {
  it('lists keychain entries without metadata and metadata without a secret', async () => {
    const shop = await addShop();
    const kept = await vault.storeKey(keyFor(shop.id));
    const lost = await vault.storeKey(keyFor(shop.id));
    await store.delete(lost.id);
    const orphan = newKeyId();
    await store.set(orphan, fakeApiKey());
    await store.set('password.s_other', 'not ours to judge');

    const report = await vault.reconcile({ repair: false });

    expect(report).toEqual({
      secretsWithoutMetadata: [orphan],
      metadataWithoutSecret: [lost.id],
      remembered: [],
      repaired: null,
    });
    expect(await store.get(orphan)).not.toBeNull();
    expect((await vault.metadata()).keys.map((k) => k.id)).toContain(kept.id);
  });

  it('repairs records without a secret but keeps orphaned entries unless told to delete them', async () => {
    const shop = await addShop();
    const lost = await vault.storeKey(keyFor(shop.id));
    await store.delete(lost.id);
    const orphan = newKeyId();
    const orphanSecret = fakeApiKey();
    await store.set(orphan, orphanSecret);

    const report = await vault.reconcile({ repair: true });

    expect(report.repaired).toEqual({
      removedSecrets: [],
      removedRecords: [lost.id],
    });
    expect(await store.get(orphan)).toBe(orphanSecret);
    expect(report.secretsWithoutMetadata).toEqual([orphan]);
  });

  it('takes an orphaned entry back under its own id, leaving the secret in place', async () => {
    const shop = await addShop();
    const orphan = newKeyId();
    const secret = fakeApiKey();
    await store.set(orphan, secret);

    const adopted = await vault.adoptOrphanedSecret(orphan, {
      serverId: shop.id,
      label: 'Recovered',
      grantedPermissions: ['btcpay.store.canviewinvoices'],
      origin: { kind: 'imported' },
    });

    expect(adopted.id).toBe(orphan);
    expect(adopted.fingerprint).toBe(fingerprintKey(secret));
    expect(await vault.readSecret(orphan, 'use')).toBe(secret);
    expect(await vault.reconcile({})).toMatchObject({
      secretsWithoutMetadata: [],
    });
    await expect(
      vault.adoptOrphanedSecret(orphan, {
        serverId: shop.id,
        label: 'Twice',
        grantedPermissions: [],
        origin: { kind: 'imported' },
      }),
    ).rejects.toMatchObject({ code: 'key-not-found' });
  });

  it('deletes both sides when asked for both, and touches nothing else', async () => {
    const shop = await addShop();
    const kept = await vault.storeKey(keyFor(shop.id));
    const lost = await vault.storeKey(keyFor(shop.id));
    await store.delete(lost.id);
    const orphan = newKeyId();
    await store.set(orphan, fakeApiKey());
    await store.set('password.s_other', 'not ours to judge');

    const report = await vault.reconcile({ repair: true, deleteOrphans: true });

    expect(report.repaired).toEqual({
      removedSecrets: [orphan],
      removedRecords: [lost.id],
    });
    expect(await store.get(orphan)).toBeNull();
    expect(await store.get('password.s_other')).toBe('not ours to judge');
    expect((await vault.metadata()).keys.map((k) => k.id)).toEqual([kept.id]);
    expect(await vault.reconcile({ repair: false })).toMatchObject({
      secretsWithoutMetadata: [],
      metadataWithoutSecret: [],
    });
    expect((await vault.events()).at(-1)?.action).toBe('reconcile.repaired');
    expect(await vault.verifyLog()).toMatchObject({ ok: true });
  });
});
