import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeytarStore } from '../../src/vault';
import type { Sandbox } from '../sandbox';
import { runCli, runCliJson } from './run-cli';
import {
  importMintedKey,
  startCliWithServer,
  stopCliWithServer,
  type CliWithServer,
} from './with-server';

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

let cli: CliWithServer;
let sandbox: Sandbox;
let home: string;
const keychain = createKeytarStore();
const made: string[] = [];

beforeAll(async () => {
  cli = await startCliWithServer();
  ({ sandbox, home } = cli);
}, SLOW);

afterAll(async () => {
  for (const id of made) await keychain.delete(id);
  await stopCliWithServer(cli);
});

describe('btcpay-keys reconcile with an overwritten keychain entry', () => {
  it(
    'lists the key as replaced, points to key import, and import puts it right',
    async () => {
      const intact = await importMintedKey(cli, MERCHANT, 'Intact');
      const swapped = await importMintedKey(cli, MERCHANT, 'Swapped');
      const lost = await importMintedKey(cli, MERCHANT, 'Lost');
      made.push(intact.id, swapped.id, lost.id);
      const stranger = sandbox.admin.mintKey(MERCHANT, [], 'Stranger');
      await keychain.set(swapped.id, stranger);
      await keychain.delete(lost.id);

      const report = await runCliJson<Report>(home, ['reconcile']);
      expect(report.replacedSecrets).toEqual([swapped.id]);
      expect(report.metadataWithoutSecret).toEqual([lost.id]);

      const text = await runCli(home, ['reconcile']);
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout).toMatch(
        new RegExp(`holds another key than the stored one.*${swapped.id}`),
      );
      expect(text.stdout).toMatch(/btcpay-keys key import --server URL/);
      for (const secret of [swapped.secret, stranger, intact.secret]) {
        expect(`${text.stdout}${text.stderr}`).not.toContain(secret);
      }

      const restore = await runCli(
        home,
        ['key', 'import', '--server', sandbox.url, '--key-stdin'],
        { input: swapped.secret },
      );
      expect(restore.code, restore.stderr).toBe(0);
      const after = await runCliJson<Report>(home, ['reconcile']);
      expect(after.replacedSecrets).toEqual([]);
    },
    SLOW,
  );
});
