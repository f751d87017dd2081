import { afterAll, describe, expect, it } from 'vitest';
import { folderKeychain } from '../support/folder-keychain';
import { runCli, runCliJson } from './run-cli';
import { importMintedKey, useCliWithServer } from './with-server';

// A key whose record is stored but whose keychain entry went missing or was
// overwritten is not stored twice by `key import`: the server confirms it,
// and its secret goes back under the record's id.

const MERCHANT = 'merchant@sandbox.test';
const SLOW = 120_000;

interface Imported {
  key: { id: string; label: string; lastVerification: { result: string } };
  restored: boolean;
}

const cli = useCliWithServer(SLOW);
const keychain = () => folderKeychain(cli.home);
const made: string[] = [];

afterAll(async () => {
  for (const id of made) await keychain().delete(id);
});

async function imported(label: string) {
  const key = await importMintedKey(cli, MERCHANT, label);
  made.push(key.id);
  return key;
}

function importArgs(...extra: string[]): string[] {
  return [
    'key',
    'import',
    '--server',
    cli.sandbox.url,
    '--key-stdin',
    ...extra,
  ];
}

async function storedIds(): Promise<string[]> {
  const keys = await runCliJson<{ id: string }[]>(cli.home, ['key', 'list']);
  return keys.map((key) => key.id);
}

describe('btcpay-keys key import of a key whose keychain entry is gone', () => {
  it(
    'writes the secret back under the stored id and says so',
    async () => {
      const { id, secret } = await imported('Lost entry');
      await keychain().delete(id);
      const before = await storedIds();

      const run = await runCli(cli.home, importArgs('--label', 'Renamed'), {
        input: `${secret}\n`,
      });

      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain(
        `Restored the secret of "Lost entry" (${id})`,
      );
      expect(run.stderr).toContain('--label was not applied');
      expect(await storedIds()).toEqual(before);
      const reveal = await runCli(cli.home, ['key', 'reveal', id, '--yes']);
      expect(reveal.stdout.trim()).toBe(secret);
      const { events } = await runCliJson<{
        events: { action: string; keyId?: string }[];
      }>(cli.home, ['log']);
      expect(events).toContainEqual(
        expect.objectContaining({ action: 'key.restored', keyId: id }),
      );
    },
    SLOW,
  );

  it(
    'replaces another key the entry held, printing the record with restored: true',
    async () => {
      const { id, secret } = await imported('Overwritten entry');
      const stranger = cli.sandbox.admin.mintKey(MERCHANT, [], 'Stranger');
      await keychain().set(id, stranger);

      const result = await runCliJson<Imported>(cli.home, importArgs(), {
        input: secret,
      });

      expect(result.restored).toBe(true);
      expect(result.key).toMatchObject({
        id,
        label: 'Overwritten entry',
        lastVerification: { result: 'valid' },
      });
      expect(await keychain().get(id)).toBe(secret);
      const verify = await runCli(cli.home, ['key', 'verify', id]);
      expect(verify.code, verify.stderr).toBe(0);
    },
    SLOW,
  );

  it(
    'still refuses a key whose entry holds it, and changes nothing',
    async () => {
      const { id, secret } = await imported('In place');
      const before = await storedIds();
      const run = await runCli(cli.home, importArgs(), { input: secret });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`already stored as "In place" (id ${id})`);
      expect(await storedIds()).toEqual(before);
    },
    SLOW,
  );

  it(
    'restores nothing when the server no longer knows the key',
    async () => {
      const { id, secret } = await imported('Revoked meanwhile');
      await keychain().delete(id);
      cli.sandbox.admin.revokeKey(secret);
      const run = await runCli(cli.home, importArgs(), { input: secret });
      expect(run.code).toBe(4);
      expect(await keychain().get(id)).toBeNull();
    },
    SLOW,
  );

  it(
    'imports a key no record names as a new key, with restored: false',
    async () => {
      const secret = cli.sandbox.admin.mintKey(MERCHANT, [], 'Brand new');
      const result = await runCliJson<Imported>(cli.home, importArgs(), {
        input: secret,
      });
      made.push(result.key.id);
      expect(result.restored).toBe(false);
      expect(await storedIds()).toContain(result.key.id);
    },
    SLOW,
  );
});

describe('btcpay-keys key import of text that cannot be an API key', () => {
  const notKeys: Record<string, string> = {
    'only blanks': '   \n',
    'a space inside': 'NOT A KEY pasted with spaces',
    'a tab inside': 'NOTAKEY\tsecondhalf',
    'a control character': `NOTAKEY${String.fromCharCode(7)}bell`,
    'an invisible character': 'NOTAKEY\u200bzerowidth',
    'far too long': `NOTAKEY${'x'.repeat(300)}`,
  };

  it(
    'refuses each with exit 2 before anything is sent, never repeating it',
    async () => {
      for (const [what, input] of Object.entries(notKeys)) {
        const before = cli.sandbox.admin.requests.length;
        const run = await runCli(cli.home, importArgs(), { input });
        expect(run.code, what).toBe(2);
        expect(run.stderr, what).toMatch(/nothing was sent|key is empty/);
        expect(`${run.stdout}${run.stderr}`, what).not.toContain('NOTAKEY');
        expect(cli.sandbox.admin.requests.length, what).toBe(before);
      }
    },
    SLOW,
  );

  it(
    'sends a well-formed key the server does not know, and reports its answer',
    async () => {
      const before = cli.sandbox.admin.requests.length;
      const run = await runCli(cli.home, importArgs(), {
        input: 'ABCDEF0123456789abcdef0123456789ABCDEF01',
      });
      expect(run.code).toBe(4);
      expect(cli.sandbox.admin.requests.length).toBeGreaterThan(before);
    },
    SLOW,
  );
});
