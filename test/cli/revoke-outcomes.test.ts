import { describe, expect, it } from 'vitest';
import { runCli, runCliJson } from './run-cli';
import { importMintedKey, useCliWithServer } from './with-server';

// What `key revoke` prints is what is stored afterwards, and a key revoked
// before ends with the documented exit 7 without asking the server again.

const MERCHANT = 'merchant@sandbox.test';
const SLOW = 120_000;

interface StoredKey {
  id: string;
  revokedAt: string | null;
}

const cli = useCliWithServer(SLOW);

async function storedRecord(id: string): Promise<StoredKey | undefined> {
  const keys = await runCliJson<StoredKey[]>(cli.home, ['key', 'list']);
  return keys.find((key) => key.id === id);
}

describe('btcpay-keys key revoke', () => {
  it(
    'prints the record as stored after the revocation with --json',
    async () => {
      const { id } = await importMintedKey(cli, MERCHANT, 'Print me revoked');
      const result = await runCliJson<{ key: StoredKey; server: string }>(
        cli.home,
        ['key', 'revoke', id, '--yes'],
      );
      expect(result.server).toBe('revoked');
      expect(result.key.revokedAt).not.toBeNull();
      // `key list` adds the server's name and URL to each record.
      expect(await storedRecord(id)).toMatchObject(result.key);
    },
    SLOW,
  );

  it(
    'ends with exit 7 for a key revoked before, saying when, and sends nothing',
    async () => {
      const { id } = await importMintedKey(cli, MERCHANT, 'Revoke twice');
      await runCli(cli.home, ['key', 'revoke', id, '--yes']);
      const revokedAt = (await storedRecord(id))?.revokedAt ?? '';
      expect(revokedAt).not.toBe('');
      const before = cli.sandbox.admin.requests.length;

      for (const extra of [[], ['--json']]) {
        const again = await runCli(cli.home, [
          ...['key', 'revoke', id, '--yes'],
          ...extra,
        ]);
        expect(again.code, again.stderr).toBe(7);
        expect(again.stderr).toContain(`already revoked on ${revokedAt}`);
        expect(again.stderr).toMatch(/nothing was sent to the server/);
        expect(again.stdout).toBe('');
      }
      expect(cli.sandbox.admin.requests.length).toBe(before);
      expect((await storedRecord(id))?.revokedAt).toBe(revokedAt);
    },
    SLOW,
  );
});
