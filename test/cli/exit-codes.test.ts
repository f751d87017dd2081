import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { folderKeychain } from '../support/folder-keychain';
import { passwordOf, startRelaxedSandbox, storeOf } from '../keys/fixtures';
import { makeHome, removeHome, runCli, runCliJson } from './run-cli';
import {
  importMintedKey,
  keyCreateArgs,
  useCliWithServer,
} from './with-server';

// The exit codes docs/cli.md promises, for the paths a script must tell
// apart: a key the keychain does not hold (7), a server that is down (5), a
// tampered event log (11), and usage errors (2) that change nothing.

const MERCHANT = 'merchant@sandbox.test';
const SLOW = 120_000;

const cli = useCliWithServer(SLOW);

describe('btcpay-keys key verify and reveal when the keychain does not hold the key', () => {
  it(
    'exits 7 for a missing secret and points to reconcile, not the server',
    async () => {
      const { id } = await importMintedKey(cli, MERCHANT, 'Lost');
      await folderKeychain(cli.home).delete(id);
      const run = await runCli(cli.home, ['key', 'verify', id]);
      expect(run.code).toBe(7);
      expect(run.stderr).toMatch(/reconcile/);
      expect(run.stderr).not.toMatch(/reachable/);
    },
    SLOW,
  );

  it(
    'exits 7 for an entry that holds another key, in verify and in reveal',
    async () => {
      const { id } = await importMintedKey(cli, MERCHANT, 'Swapped');
      const stranger = cli.sandbox.admin.mintKey(MERCHANT, [], 'Stranger');
      await folderKeychain(cli.home).set(id, stranger);
      const verify = await runCli(cli.home, ['key', 'verify', id]);
      expect(verify.code).toBe(7);
      const reveal = await runCli(cli.home, ['key', 'reveal', id, '--yes']);
      expect(reveal.code).toBe(7);
      expect(reveal.stderr).toMatch(/replaced outside/);
      expect(reveal.stdout).toBe('');
    },
    SLOW,
  );
});

describe('btcpay-keys key verify when the server is down', () => {
  it(
    'exits 5 and says to check the server',
    async () => {
      const down = await startRelaxedSandbox();
      const downHome = await makeHome();
      try {
        await runCli(downHome, ['server', 'add', down.url]);
        const secret = down.admin.mintKey(MERCHANT, [], 'Down');
        const imported = await runCliJson<{ key: { id: string } }>(
          downHome,
          ['key', 'import', '--server', down.url, '--key-stdin'],
          { input: secret },
        );
        await down.close();
        const run = await runCli(downHome, ['key', 'verify', '--all']);
        expect(run.code).toBe(5);
        expect(run.stderr).toMatch(/reachable/);
        const [key] = await runCliJson<
          { id: string; lastVerification: { result: string } }[]
        >(downHome, ['key', 'list']);
        expect(key?.id).toBe(imported.key.id);
        expect(key?.lastVerification.result).toBe('error');
      } finally {
        await removeHome(downHome);
      }
    },
    SLOW,
  );
});

describe('btcpay-keys log', () => {
  it(
    'exits 11 when the hash chain is broken, with text and with --json',
    async () => {
      const tampered = await makeHome();
      try {
        await runCli(tampered, [
          'server',
          'add',
          cli.sandbox.url,
          '--name',
          'A',
        ]);
        const events = path.join(tampered, 'events.jsonl');
        const text = await readFile(events, 'utf8');
        await writeFile(events, text.replace('"name":"A"', '"name":"B"'));

        const run = await runCli(tampered, ['log']);
        expect(run.code).toBe(11);
        expect(run.stdout).toMatch(/Hash chain broken at line 1/);
        expect(run.stderr).toMatch(/cannot be trusted from line 1/);
        const json = await runCli(tampered, ['log', '--json']);
        expect(json.code).toBe(11);
        expect(JSON.parse(json.stdout)).toMatchObject({
          chain: { ok: false, line: 1 },
        });
      } finally {
        await removeHome(tampered);
      }
    },
    SLOW,
  );

  it(
    'refuses a --limit that is not a whole number of entries with exit 2',
    async () => {
      for (const limit of ['abc', '0', '2.5', '-3']) {
        const run = await runCli(cli.home, ['log', '--limit', limit]);
        expect(run.code, limit).toBe(2);
        expect(run.stderr).toMatch(/whole number/);
      }
      const one = await runCliJson<{ events: unknown[] }>(cli.home, [
        ...['log', '--limit', '1'],
      ]);
      expect(one.events).toHaveLength(1);
    },
    SLOW,
  );
});

describe('btcpay-keys usage errors that change nothing', () => {
  it(
    'refuses --store without a store permission before sending anything',
    async () => {
      const before = cli.sandbox.admin.requests.length;
      const run = await runCli(
        cli.home,
        [
          ...keyCreateArgs(cli, 'No store'),
          ...['--permission', 'btcpay.user.canviewprofile'],
          ...['--store', storeOf(cli.sandbox, MERCHANT)],
          ...['--user', MERCHANT, '--password-stdin'],
        ],
        { input: passwordOf(cli.sandbox, MERCHANT) },
      );
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/store permission/);
      expect(cli.sandbox.admin.requests.length).toBe(before);
    },
    SLOW,
  );

  it(
    'refuses key delete without a terminal or --yes, keeping the key',
    async () => {
      const { id } = await importMintedKey(cli, MERCHANT, 'Keep me');
      const run = await runCli(cli.home, ['key', 'delete', id, '--local-only']);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/--yes/);
      const keys = await runCliJson<{ id: string }[]>(cli.home, [
        'key',
        'list',
      ]);
      expect(keys.map((key) => key.id)).toContain(id);
    },
    SLOW,
  );

  it(
    'refuses server remove while keys are stored, and --force deletes them here only',
    async () => {
      const own = await makeHome();
      try {
        await runCli(own, ['server', 'add', cli.sandbox.url]);
        const secret = cli.sandbox.admin.mintKey(
          MERCHANT,
          [],
          'Stays on server',
        );
        await runCli(
          own,
          ['key', 'import', '--server', cli.sandbox.url, '--key-stdin'],
          { input: secret },
        );

        const refused = await runCli(own, [
          ...['server', 'remove', cli.sandbox.url, '--yes'],
        ]);
        expect(refused.code).toBe(2);
        expect(refused.stderr).toMatch(/still stored/);
        expect(refused.stderr).toMatch(/--force/);
        expect(
          await runCliJson<unknown[]>(own, ['server', 'list']),
        ).toHaveLength(1);

        const forced = await runCli(own, [
          ...['server', 'remove', cli.sandbox.url, '--force', '--yes'],
        ]);
        expect(forced.code, forced.stderr).toBe(0);
        expect(await runCliJson<unknown[]>(own, ['server', 'list'])).toEqual(
          [],
        );
        expect(await runCliJson<unknown[]>(own, ['key', 'list'])).toEqual([]);
        expect(
          cli.sandbox.admin
            .keysOf(MERCHANT)
            .some((key) => key.apiKey === secret),
        ).toBe(true);
      } finally {
        await removeHome(own);
      }
    },
    SLOW,
  );
});
