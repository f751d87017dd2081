import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeytarStore } from '../../src/vault';
import { folderKeychain } from '../support/folder-keychain';
import { makeHome, removeHome, runCli, runCliJson } from './run-cli';
import { importMintedKey, useCliWithServer } from './with-server';

// Every data folder files its secrets under the same keychain service. A
// throwaway folder (the README's walk-through makes one with mktemp) must
// never list, adopt, report or delete the keys of the folder in real use.

const MERCHANT = 'merchant@sandbox.test';
const SLOW = 180_000;

interface Report {
  secretsWithoutMetadata: string[];
  metadataWithoutSecret: string[];
  repaired: { removedSecrets: string[] } | null;
  adoption: { adopted: { id: string }[] } | null;
}

const real = useCliWithServer(SLOW);
const made: Array<{ id: string; secret: string }> = [];
let throwaway: string;

beforeAll(async () => {
  for (const label of ['Till', 'Books']) {
    made.push(await importMintedKey(real, MERCHANT, label));
  }
  throwaway = await makeHome();
  const add = await runCli(throwaway, ['server', 'add', real.sandbox.url]);
  expect(add.code, add.stderr).toBe(0);
}, SLOW);

afterAll(async () => {
  for (const { id } of made) await folderKeychain(real.home).delete(id);
  await removeHome(throwaway);
});

/** The real folder's keys still work: revealed, verified, none missing. */
async function expectRealFolderIntact(): Promise<void> {
  for (const { id, secret } of made) {
    const reveal = await runCli(real.home, ['key', 'reveal', id, '--yes']);
    expect(reveal.code, reveal.stderr).toBe(0);
    expect(reveal.stdout).toContain(secret);
  }
  const verify = await runCli(real.home, ['key', 'verify', '--all']);
  expect(verify.code, verify.stderr).toBe(0);
  const report = await runCliJson<Report>(real.home, ['reconcile']);
  expect(report.metadataWithoutSecret).toEqual([]);
}

describe('a second data folder on the same keychain', () => {
  it(
    "lists none of the first folder's keys as orphans, and deleting orphans leaves them",
    async () => {
      const listed = await runCliJson<Report>(throwaway, ['reconcile']);
      expect(listed.secretsWithoutMetadata).toEqual([]);

      const deleted = await runCliJson<Report>(throwaway, [
        ...['reconcile', '--delete-orphans', '--yes'],
      ]);
      expect(deleted.repaired?.removedSecrets).toEqual([]);
      const named = await runCli(throwaway, [
        ...['reconcile', '--delete-orphans', '--yes'],
        ...['--key', made[0]?.id ?? ''],
      ]);
      expect(named.code).toBe(2);
      expect(named.stderr).toMatch(/Not an orphaned keychain entry/);

      await expectRealFolderIntact();
    },
    SLOW,
  );

  it(
    'adopts none of them and reports none of them in audit --keychain',
    async () => {
      const adopted = await runCliJson<Report>(throwaway, [
        ...['reconcile', '--adopt', '--server', real.sandbox.url],
      ]);
      expect(adopted.adoption?.adopted).toEqual([]);
      const keys = await runCliJson<unknown[]>(throwaway, ['key', 'list']);
      expect(keys).toEqual([]);

      const audit = await runCli(throwaway, ['audit', '--keychain', '--json']);
      expect(audit.code, audit.stderr).toBe(0);
      for (const { id } of made) expect(audit.stdout).not.toContain(id);

      const own = await runCli(real.home, ['audit', '--keychain', '--json']);
      expect(own.stdout).not.toMatch(/secret-missing|secret-orphaned/);
      await expectRealFolderIntact();
    },
    SLOW,
  );

  it(
    'a folder written before namespaces still works and ignores both',
    async () => {
      const old = await makeHome();
      let kept: { id: string; secret: string } | undefined;
      try {
        await runCli(old, ['server', 'add', real.sandbox.url]);
        kept = await importMintedKey(
          { home: old, sandbox: real.sandbox },
          MERCHANT,
          'Old',
        );
        await makeOld(old, kept);

        const reveal = await runCli(old, ['key', 'reveal', kept.id, '--yes']);
        expect(reveal.code, reveal.stderr).toBe(0);
        expect(reveal.stdout).toContain(kept.secret);
        const listed = await runCliJson<Report>(old, ['reconcile']);
        for (const { id } of made) {
          expect(listed.secretsWithoutMetadata).not.toContain(id);
        }
        expect(listed.metadataWithoutSecret).toEqual([]);
        const deleted = await runCli(old, [
          ...['reconcile', '--delete-orphans', '--yes'],
          ...['--key', made[1]?.id ?? ''],
        ]);
        expect(deleted.code).toBe(2);
        await expectRealFolderIntact();
      } finally {
        if (kept) await createKeytarStore().delete(kept.id);
        await removeHome(old);
      }
    },
    SLOW,
  );
});

/**
 * Turns a folder into one as a version before namespaces left it: metadata
 * version 1 with no namespace, its secret under the bare key id.
 */
async function makeOld(
  home: string,
  key: { id: string; secret: string },
): Promise<void> {
  const file = path.join(home, 'metadata.json');
  const { keychainNamespace: _, ...document } = JSON.parse(
    await readFile(file, 'utf8'),
  ) as Record<string, unknown>;
  await folderKeychain(home).delete(key.id);
  await createKeytarStore().set(key.id, key.secret);
  await writeFile(file, JSON.stringify({ ...document, version: 1 }));
}

describe('a copy of a data folder', () => {
  it(
    'shares the original’s entries, and its orphans come with a warning that says so',
    async () => {
      const copy = await makeHome();
      try {
        await cp(real.home, copy, { recursive: true });
        const inCopy = await importMintedKey(
          { ...real, home: copy },
          MERCHANT,
          'Made in the copy',
        );

        const listed = await runCli(real.home, ['reconcile']);
        expect(listed.stdout).toContain(inCopy.id);
        expect(listed.stdout).toContain(
          'or a key that a copy of this data folder',
        );
        const refused = await runCli(real.home, [
          'reconcile',
          '--delete-orphans',
          '--key',
          inCopy.id,
        ]);
        expect(refused.code).toBe(2);
        expect(refused.stderr).toContain('Did not delete');
        await expectRealFolderIntact();
        await folderKeychain(copy).delete(inCopy.id);
      } finally {
        await removeHome(copy);
      }
    },
    SLOW,
  );
});
