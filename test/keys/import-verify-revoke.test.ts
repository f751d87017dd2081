import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addServer,
  createKeyOverRest,
  deleteKeyLocally,
  importKey,
  revokeKey,
  verifyKeys,
  type ClientFactory,
} from '../../src/keys';
import { createGreenfieldClient } from '../../src/greenfield';
import { KeychainError, type Vault } from '../../src/vault';
import type { Sandbox } from '../sandbox';
import { openTempVault, passwordOf, startRelaxedSandbox } from './fixtures';

const MERCHANT = 'merchant@sandbox.test';
const LOCKME = 'lockme@sandbox.test';
const ADMIN = 'admin@sandbox.test';

let sandbox: Sandbox;
let vault: Vault;
let serverId: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  sandbox = await startRelaxedSandbox();
  ({ vault, cleanup } = await openTempVault());
  serverId = (await addServer(vault, sandbox.url)).server.id;
});

afterAll(async () => {
  await sandbox.close();
  await cleanup();
});

function mint(email: string, permissions: string[], label = 'minted'): string {
  return sandbox.admin.mintKey(email, permissions, label);
}

describe('importKey', () => {
  it("stores the server's permissions and label, not what the user assumed", async () => {
    const secret = mint(
      MERCHANT,
      ['btcpay.store.canviewinvoices'],
      'From the web UI',
    );
    const { key } = await importKey(vault, { serverId, secret });
    expect(key.grantedPermissions).toEqual(['btcpay.store.canviewinvoices']);
    expect(key.label).toBe('From the web UI');
    expect(key.origin).toEqual({ kind: 'imported' });
  });

  it('refuses a key the server does not know and stores nothing', async () => {
    const before = (await vault.metadata()).keys.length;
    await expect(
      importKey(vault, { serverId, secret: 'f'.repeat(40) }),
    ).rejects.toMatchObject({ kind: 'key-unknown' });
    expect((await vault.metadata()).keys).toHaveLength(before);
  });

  it('refuses to store the same key twice', async () => {
    const secret = mint(MERCHANT, [], 'twice');
    const first = await importKey(vault, { serverId, secret });
    await expect(importKey(vault, { serverId, secret })).rejects.toMatchObject({
      kind: 'key-already-stored',
    });
    expect(first.key.label).toBe('twice');
  });
});

describe('verifyKeys', () => {
  it('records valid, unknown-key and owner-blocked for the keys that are', async () => {
    const valid = await importKey(vault, {
      serverId,
      secret: mint(MERCHANT, []),
    });
    const goneSecret = mint(MERCHANT, []);
    const gone = await importKey(vault, { serverId, secret: goneSecret });
    const blocked = await importKey(vault, {
      serverId,
      secret: mint(LOCKME, []),
    });
    sandbox.admin.revokeKey(goneSecret);
    sandbox.admin.lockOut(LOCKME);

    const results = await verifyKeys(vault, [
      valid.key.id,
      gone.key.id,
      blocked.key.id,
    ]);
    sandbox.admin.unlock(LOCKME);

    expect(results.map((r) => r.result)).toEqual([
      'valid',
      'unknown-key',
      'owner-blocked',
    ]);
    const stored = (await vault.metadata()).keys;
    const resultOf = (id: string) =>
      stored.find((k) => k.id === id)?.lastVerification?.result;
    expect(resultOf(valid.key.id)).toBe('valid');
    expect(resultOf(gone.key.id)).toBe('unknown-key');
    expect(resultOf(blocked.key.id)).toBe('owner-blocked');
  });

  it('reports and logs a drift between stored and granted permissions', async () => {
    const secret = mint(MERCHANT, ['btcpay.store.canviewinvoices']);
    const { key } = await importKey(vault, { serverId, secret });
    await vault.updateKey(key.id, {
      grantedPermissions: ['btcpay.store.canmodifyinvoices'],
    });

    const [result] = await verifyKeys(vault, [key.id]);
    expect(result?.drift).toEqual({
      added: ['btcpay.store.canviewinvoices'],
      removed: ['btcpay.store.canmodifyinvoices'],
    });
    expect(result?.message).toMatch(/differ/);
    const logged = (await vault.events()).filter(
      (event) =>
        event.keyId === key.id && event.action === 'key.permissions-changed',
    );
    expect(logged).toHaveLength(1);
  });

  it('never has more requests in flight per server than allowed, and checks every key', async () => {
    const second = await startRelaxedSandbox({ latencyMs: 20 });
    try {
      const secondId = (await addServer(vault, second.url)).server.id;
      for (let i = 0; i < 6; i += 1) {
        await importKey(vault, { serverId, secret: mint(MERCHANT, []) });
        await importKey(vault, {
          serverId: secondId,
          secret: second.admin.mintKey(MERCHANT, [], 'second'),
        });
      }
      const inFlight = new Map<string, number>();
      const peak = new Map<string, number>();
      const counting: ClientFactory = (baseUrl) => {
        const client = createGreenfieldClient({ baseUrl });
        return {
          ...client,
          currentApiKey: async (apiKey, options) => {
            inFlight.set(baseUrl, (inFlight.get(baseUrl) ?? 0) + 1);
            peak.set(
              baseUrl,
              Math.max(peak.get(baseUrl) ?? 0, inFlight.get(baseUrl) ?? 0),
            );
            try {
              return await client.currentApiKey(apiKey, options);
            } finally {
              inFlight.set(baseUrl, (inFlight.get(baseUrl) ?? 1) - 1);
            }
          },
        };
      };
      const progress: number[] = [];
      const results = await verifyKeys(vault, 'all', {
        concurrencyPerServer: 2,
        clientFor: counting,
        onProgress: ({ done }) => progress.push(done),
      });
      const live = (await vault.metadata()).keys.filter(
        (k) => k.revokedAt === null,
      );
      expect(results).toHaveLength(live.length);
      expect(progress.at(-1)).toBe(live.length);
      expect(Math.max(...peak.values())).toBeLessThanOrEqual(2);
      expect(peak.size).toBe(2);
    } finally {
      await second.close();
    }
  });
});

describe('verifyKeys writing its results', () => {
  it('writes the results of a run together, not one write per key', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 6; i += 1) {
      const { key } = await importKey(vault, {
        serverId,
        secret: mint(MERCHANT, [], `grouped ${i}`),
      });
      ids.push(key.id);
    }
    // Should a write start early, it waits until every key was checked, so
    // whatever arrives meanwhile has to go together in one further write.
    let checked = 0;
    let allChecked: () => void = () => undefined;
    const everyKeyChecked = new Promise<void>((resolve) => {
      allChecked = resolve;
    });
    const writes: number[] = [];
    const gated: Vault = {
      ...vault,
      recordVerifications: async (records) => {
        writes.push(records.length);
        if (writes.length === 1) await everyKeyChecked;
        return vault.recordVerifications(records);
      },
    };

    const results = await verifyKeys(gated, ids, {
      onProgress: ({ done, total }) => {
        checked = done;
        if (done === total) allChecked();
      },
    });

    expect(checked).toBe(ids.length);
    expect(writes.length).toBeLessThanOrEqual(2);
    expect(writes.reduce((sum, n) => sum + n, 0)).toBe(ids.length);
    expect(results.every((r) => r.result === 'valid')).toBe(true);
    const stored = (await vault.metadata()).keys;
    for (const id of ids) {
      expect(stored.find((k) => k.id === id)?.lastVerification?.result).toBe(
        'valid',
      );
    }
  });

  it('keeps the results it had when the keychain fails part-way', async () => {
    const ids: string[] = [];
    for (const label of ['checked first', 'checked second', 'unreadable']) {
      const { key } = await importKey(vault, {
        serverId,
        secret: mint(MERCHANT, [], label),
      });
      ids.push(key.id);
    }
    const unreadable = ids[2];
    const failing: Vault = {
      ...vault,
      readSecret: (id, purpose) =>
        id === unreadable
          ? Promise.reject(
              new KeychainError(
                'Secret Service (libsecret)',
                'locked',
                'Unlock the keyring.',
              ),
            )
          : vault.readSecret(id, purpose),
    };

    await expect(
      verifyKeys(failing, ids, { concurrencyPerServer: 1 }),
    ).rejects.toBeInstanceOf(KeychainError);

    const stored = (await vault.metadata()).keys;
    const resultOf = (id: string | undefined) =>
      stored.find((k) => k.id === id)?.lastVerification?.result ?? null;
    expect([ids[0], ids[1], ids[2]].map(resultOf)).toEqual([
      'valid',
      'valid',
      null,
    ]);
  });
});

describe('revokeKey', () => {
  it('revokes on the server with the key itself, then drops the secret here', async () => {
    const secret = mint(MERCHANT, [], 'to revoke');
    const { key } = await importKey(vault, { serverId, secret });
    const result = await revokeKey(vault, key.id);

    expect(result).toMatchObject({ server: 'revoked', via: 'key' });
    expect(
      sandbox.admin.keysOf(MERCHANT).some((k) => k.apiKey === secret),
    ).toBe(false);
    const record = (await vault.metadata()).keys.find((k) => k.id === key.id);
    expect(record?.revokedAt).not.toBeNull();
    await expect(vault.readSecret(key.id, 'use')).rejects.toMatchObject({
      code: 'key-revoked',
    });
    await expect(verifyKeys(vault, [key.id])).rejects.toMatchObject({
      kind: 'key-revoked',
    });
    const all = await verifyKeys(vault, 'all');
    expect(all.some((result) => result.keyId === key.id)).toBe(false);
  });

  it('still drops a key the server no longer knows, and says so', async () => {
    const secret = mint(MERCHANT, [], 'already gone');
    const { key } = await importKey(vault, { serverId, secret });
    sandbox.admin.revokeKey(secret);
    const result = await revokeKey(vault, key.id);
    expect(result.server).toBe('already-gone');
    const record = (await vault.metadata()).keys.find((k) => k.id === key.id);
    expect(record?.revokedAt).not.toBeNull();
  });

  it('keeps the key when the server cannot be reached, so it can be retried', async () => {
    const secret = mint(MERCHANT, [], 'unreachable');
    const { key } = await importKey(vault, { serverId, secret });
    sandbox.admin.setFault({ kind: 'drop-connection' });
    try {
      await expect(revokeKey(vault, key.id)).rejects.toMatchObject({
        kind: 'network',
      });
    } finally {
      sandbox.admin.setFault(null);
    }
    expect(await vault.readSecret(key.id, 'use')).toBe(secret);
  });

  it('clears the manager role when the manager key is revoked', async () => {
    const created = await createKeyOverRest(vault, {
      serverId,
      label: 'manager',
      permissions: ['unrestricted'],
      auth: {
        kind: 'basic',
        email: ADMIN,
        password: passwordOf(sandbox, ADMIN),
      },
    });
    expect(created.becameManager).toBe(true);
    await revokeKey(vault, created.key.id);
    const server = await vault.findServer(serverId);
    expect(server?.managerKeyId).toBeNull();
    expect(server?.mintMethod).toBe('authorize');
  });
});

describe('deleteKeyLocally', () => {
  it('forgets the key here while it keeps working on the server', async () => {
    const secret = mint(MERCHANT, [], 'local only');
    const { key } = await importKey(vault, { serverId, secret });
    await deleteKeyLocally(vault, key.id);
    expect((await vault.metadata()).keys.some((k) => k.id === key.id)).toBe(
      false,
    );
    expect(
      sandbox.admin.keysOf(MERCHANT).some((k) => k.apiKey === secret),
    ).toBe(true);
  });
});
