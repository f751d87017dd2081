import { afterAll, describe, expect, it } from 'vitest';
import { folderKeychain } from '../support/folder-keychain';
import { runCli, runCliJson } from './run-cli';
import { importMintedKey, useCliWithServer } from './with-server';

// A keychain entry overwritten with another key is neither missing nor an
// orphan; `reconcile` must name it apart and say how to put it right,
// without ever printing either key. Other test files share this keychain,
// so only this data folder's records are asserted on.

const MERCHANT = 'merchant@sandbox.test';
const SLOW = 120_000;

interface Report {
  metadataWithoutSecret: string[];
  replacedSecrets: string[];
}

const cli = useCliWithServer(SLOW);
const keychain = () => folderKeychain(cli.home);
const made: string[] = [];

afterAll(async () => {
  for (const id of made) await keychain().delete(id);
});

describe('btcpay-keys reconcile with an overwritten keychain entry', () => {
  it(
    'lists the key as replaced, points to key import, and import puts it right',
    async () => {
      const intact = await importMintedKey(cli, MERCHANT, 'Intact');
      const swapped = await importMintedKey(cli, MERCHANT, 'Swapped');
      const lost = await importMintedKey(cli, MERCHANT, 'Lost');
      made.push(intact.id, swapped.id, lost.id);
      const stranger = cli.sandbox.admin.mintKey(MERCHANT, [], 'Stranger');
      await keychain().set(swapped.id, stranger);
      await keychain().delete(lost.id);

      const report = await runCliJson<Report>(cli.home, ['reconcile']);
      expect(report.replacedSecrets).toEqual([swapped.id]);
      expect(report.metadataWithoutSecret).toEqual([lost.id]);

      const text = await runCli(cli.home, ['reconcile']);
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout).toMatch(
        new RegExp(`holds another key than the stored one.*${swapped.id}`),
      );
      expect(text.stdout).toMatch(/btcpay-keys key import --server URL/);
      for (const secret of [swapped.secret, stranger, intact.secret]) {
        expect(`${text.stdout}${text.stderr}`).not.toContain(secret);
      }

      const restore = await runCli(
        cli.home,
        ['key', 'import', '--server', cli.sandbox.url, '--key-stdin'],
        { input: swapped.secret },
      );
      expect(restore.code, restore.stderr).toBe(0);
      const after = await runCliJson<Report>(cli.home, ['reconcile']);
      expect(after.replacedSecrets).toEqual([]);
    },
    SLOW,
  );
});
