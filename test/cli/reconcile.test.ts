import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { folderKeychain } from '../support/folder-keychain';
import type { Sandbox } from '../sandbox';
import { startRelaxedSandbox } from '../keys/fixtures';
import { runCli, runCliJson } from './run-cli';
import { runInTerminal } from './terminal';
import { importMintedKey, useCliWithServer } from './with-server';

// After a damaged metadata file is set aside, the keys' secrets are still in
// the keychain with no record naming them. `reconcile` must list them, take
// them back after their server confirmed them, and delete one only when the
// user asks for exactly that. Other test files share this keychain, so every
// change below names its entries with --key.

const MERCHANT = 'merchant@sandbox.test';
const SLOW = 180_000;

interface Report {
  secretsWithoutMetadata: string[];
  metadataWithoutSecret: string[];
  remembered: { id: string; label: string | null; serverUrl: string | null }[];
  adoption: {
    adopted: { id: string; label: string }[];
    left: { id: string; reason: string }[];
  } | null;
}

const cli = useCliWithServer(SLOW);
let other: Sandbox;
const minted: Record<string, { id: string; secret: string }> = {};

beforeAll(async () => {
  other = await startRelaxedSandbox();
  await runCli(cli.home, ['server', 'add', other.url]);
  for (const label of ['Till', 'Books', 'Old']) {
    minted[label] = await importMintedKey(cli, MERCHANT, label);
  }
  const elsewhere = other.admin.mintKey(MERCHANT, [], 'Elsewhere');
  const run = await runCli(
    cli.home,
    ['key', 'import', '--server', other.url, '--key-stdin', '--json'],
    { input: elsewhere },
  );
  minted['Elsewhere'] = {
    id: (JSON.parse(run.stdout) as { key: { id: string } }).key.id,
    secret: elsewhere,
  };
}, SLOW);

afterAll(async () => {
  const keychain = folderKeychain(cli.home);
  for (const { id } of Object.values(minted)) await keychain.delete(id);
  await other.close();
});

const ids = (...labels: string[]) =>
  labels.map((label) => minted[label]?.id ?? '');

async function damageMetadata(): Promise<void> {
  const file = path.join(cli.home, 'metadata.json');
  const document = JSON.parse(await readFile(file, 'utf8')) as {
    settings: Record<string, unknown>;
  };
  document.settings['rotationDays'] = -5;
  await writeFile(file, JSON.stringify(document));
}

describe('btcpay-keys reconcile after the metadata was set aside', () => {
  it(
    'stops with exit 10, sets the file aside and points to reconcile --adopt',
    async () => {
      await damageMetadata();
      const run = await runCli(cli.home, ['key', 'list']);
      expect(run.code).toBe(10);
      expect(run.stderr).toMatch(/metadata\.json\.unreadable-/);
      expect(run.stderr).toMatch(
        /^Next: List them with `btcpay-keys reconcile`, then take them back with `btcpay-keys reconcile --adopt --server URL`/m,
      );
      expect(await runCliJson<unknown[]>(cli.home, ['key', 'list'])).toEqual(
        [],
      );
    },
    SLOW,
  );

  it(
    'lists the orphans with what the set-aside file remembers, and --repair leaves them alone',
    async () => {
      const listed = await runCliJson<Report>(cli.home, ['reconcile']);
      expect(listed.secretsWithoutMetadata).toEqual(
        expect.arrayContaining(ids('Till', 'Books', 'Old', 'Elsewhere')),
      );
      expect(listed.remembered).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            id: minted['Till']?.id,
            label: 'Till',
            serverUrl: cli.sandbox.url,
          }),
        ]),
      );
      const text = await runCli(cli.home, ['reconcile']);
      expect(text.stdout).toContain(`"Till" on ${cli.sandbox.url}`);

      const repaired = await runCli(cli.home, [
        'reconcile',
        '--repair',
        '--yes',
      ]);
      expect(repaired.code, repaired.stderr).toBe(0);
      const after = await runCliJson<Report>(cli.home, ['reconcile']);
      expect(after.secretsWithoutMetadata).toEqual(
        expect.arrayContaining(ids('Till', 'Books', 'Old', 'Elsewhere')),
      );
    },
    SLOW,
  );

  it(
    'adopts what the server confirms, under the same ids and labels, and never sends another server its key',
    async () => {
      await runCli(cli.home, ['server', 'add', cli.sandbox.url]);
      cli.sandbox.admin.revokeKey(minted['Old']?.secret ?? '');
      const before = cli.sandbox.admin.requests.length;

      const report = await runCliJson<Report>(cli.home, [
        ...['reconcile', '--adopt', '--server', cli.sandbox.url],
        ...['--key', ...ids('Till', 'Books', 'Old', 'Elsewhere')],
      ]);

      expect(report.adoption?.adopted.map((k) => [k.id, k.label])).toEqual([
        [minted['Till']?.id, 'Till'],
        [minted['Books']?.id, 'Books'],
      ]);
      expect(report.adoption?.left).toEqual([
        expect.objectContaining({
          id: minted['Old']?.id,
          reason: 'unknown-to-server',
        }),
        expect.objectContaining({
          id: minted['Elsewhere']?.id,
          reason: 'other-server',
        }),
      ]);
      const sent = cli.sandbox.admin.requests
        .slice(before)
        .map((request) => JSON.stringify(request.headers));
      expect(
        sent.some((headers) => headers.includes(minted['Elsewhere']!.secret)),
      ).toBe(false);
      const verified = await runCli(cli.home, [
        'key',
        'verify',
        ...ids('Till'),
      ]);
      expect(verified.code, verified.stderr).toBe(0);
    },
    SLOW,
  );

  it(
    'deletes an orphan only when it is named and confirmed',
    async () => {
      const [old] = ids('Old');
      const refused = await runCli(cli.home, [
        ...['reconcile', '--delete-orphans', '--key', old ?? ''],
      ]);
      expect(refused.code).toBe(2);
      const stranger = await runCli(cli.home, [
        ...['reconcile', '--delete-orphans', '--key', ...ids('Till')],
        '--yes',
      ]);
      expect(stranger.code).toBe(2);
      expect(stranger.stderr).toMatch(/Not an orphaned keychain entry/);

      const deleted = await runCliJson<Report & { repaired: unknown }>(
        cli.home,
        [...['reconcile', '--delete-orphans', '--key', old ?? '', '--yes']],
      );
      expect(deleted.repaired).toEqual({
        removedSecrets: [old],
        removedRecords: [],
      });
      expect(deleted.secretsWithoutMetadata).not.toContain(old);
      expect(deleted.secretsWithoutMetadata).toContain(minted['Elsewhere']?.id);
    },
    SLOW,
  );

  it(
    'asks [y/N] before --repair deletes a record whose secret is gone',
    async () => {
      const [books] = ids('Books');
      await folderKeychain(cli.home).delete(books ?? '');
      const scripted = await runCli(cli.home, ['reconcile', '--repair']);
      expect(scripted.code).toBe(2);
      expect(scripted.stderr).toMatch(/--yes/);
      const declined = await runInTerminal(
        cli.home,
        ['reconcile', '--repair'],
        {
          answers: [{ after: /\[y\/N\]/, send: 'n\r' }],
        },
      );
      expect(declined.code).toBe(6);
      const still = await runCliJson<Report>(cli.home, ['reconcile']);
      expect(still.metadataWithoutSecret).toEqual([books]);

      const confirmed = await runInTerminal(
        cli.home,
        ['reconcile', '--repair'],
        {
          answers: [{ after: /\[y\/N\]/, send: 'y\r' }],
        },
      );
      expect(confirmed.code, confirmed.screen).toBe(0);
      const keys = await runCliJson<{ id: string }[]>(cli.home, [
        'key',
        'list',
      ]);
      expect(keys.map((key) => key.id)).toEqual(ids('Till'));
    },
    SLOW,
  );
});
