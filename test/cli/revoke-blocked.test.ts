import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, runCliJson } from './run-cli';
import { importMintedKey, useCliWithServer } from './with-server';

// `key revoke` when the key's owner is locked out: the key cannot revoke
// itself, so the admin's manager key must delete it by the route that
// reaches another account's keys, and a key it cannot reach is kept, as is
// a blocked manager key, which has no other manager key to delete it.

const ADMIN = 'admin@sandbox.test';
const LOCKME = 'lockme@sandbox.test';
const SLOW = 120_000;

const cli = useCliWithServer(SLOW);

beforeAll(async () => {
  await importMintedKey(cli, ADMIN, 'Admin manager', ['unrestricted']);
}, SLOW);

interface ListedKey {
  id: string;
  revokedAt: string | null;
  ownerEmail?: string | null;
}

const onServer = (email: string, label: string) =>
  cli.sandbox.admin.keysOf(email).some((key) => key.label === label);

describe('btcpay-keys key revoke of a key whose owner is locked out', () => {
  it(
    "deletes another account's key with the admin's manager key and says it was revoked",
    async () => {
      const created = await runCliJson<{ key: ListedKey }>(cli.home, [
        'key',
        'create',
        '--server',
        cli.sandbox.url,
        '--label',
        'For lockme',
        '--permission',
        'btcpay.store.canviewinvoices',
        '--for-user',
        LOCKME,
      ]);
      expect(created.key.ownerEmail).toBe(LOCKME);
      cli.sandbox.admin.lockOut(LOCKME);

      const run = await runCli(cli.home, [
        'key',
        'revoke',
        created.key.id,
        '--yes',
      ]);

      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/Revoked "For lockme" on the server/);
      expect(onServer(LOCKME, 'For lockme')).toBe(false);
      const keys = await runCliJson<ListedKey[]>(cli.home, ['key', 'list']);
      expect(keys.find((k) => k.id === created.key.id)?.revokedAt).not.toBe(
        null,
      );
    },
    SLOW,
  );

  it(
    'keeps a key the manager key cannot reach, saying plainly it was not revoked',
    async () => {
      cli.sandbox.admin.unlock(LOCKME);
      // Nothing about this key tells whose it is: it may not read a profile.
      const { id, secret } = await importMintedKey(cli, LOCKME, 'Anonymous');
      cli.sandbox.admin.lockOut(LOCKME);

      const run = await runCli(cli.home, ['key', 'revoke', id, '--yes']);

      expect(run.code).toBe(4);
      expect(run.stderr).toMatch(/^Error: .*was not revoked/m);
      expect(run.stderr).toMatch(/still stored here/);
      expect(run.stdout).not.toMatch(/no longer knew/);
      expect(onServer(LOCKME, 'Anonymous')).toBe(true);
      const keys = await runCliJson<ListedKey[]>(cli.home, ['key', 'list']);
      expect(keys.find((k) => k.id === id)?.revokedAt).toBeNull();
      const revealed = await runCli(cli.home, ['key', 'reveal', id, '--yes']);
      expect(revealed.stdout.trim()).toBe(secret);
    },
    SLOW,
  );

  it(
    'revokes that same key once the owner can sign in again',
    async () => {
      cli.sandbox.admin.unlock(LOCKME);
      const keys = await runCliJson<(ListedKey & { label: string })[]>(
        cli.home,
        ['key', 'list'],
      );
      const anonymous = keys.find((k) => k.label === 'Anonymous');
      const run = await runCli(cli.home, [
        'key',
        'revoke',
        anonymous?.id ?? '',
        '--yes',
      ]);
      expect(run.code, run.stderr).toBe(0);
      expect(onServer(LOCKME, 'Anonymous')).toBe(false);
    },
    SLOW,
  );

  it(
    'keeps a blocked manager key, saying the manager key is that key itself',
    async () => {
      const keys = await runCliJson<(ListedKey & { label: string })[]>(
        cli.home,
        ['key', 'list'],
      );
      const manager = keys.find((k) => k.label === 'Admin manager');
      cli.sandbox.admin.lockOut(ADMIN);
      try {
        const run = await runCli(cli.home, [
          'key',
          'revoke',
          manager?.id ?? '',
          '--yes',
        ]);

        expect(run.code).toBe(4);
        expect(run.stderr).toMatch(/was not revoked and is still stored here/);
        expect(run.stderr).toMatch(
          /the manager key could not either: this key is the manager key\./,
        );
        expect(onServer(ADMIN, 'Admin manager')).toBe(true);
      } finally {
        cli.sandbox.admin.unlock(ADMIN);
      }
    },
    SLOW,
  );
});
