import { describe, expect, it } from 'vitest';
import { runCli, runCliJson } from './run-cli';
import { importMintedKey, useCliWithServer } from './with-server';

// Several `key revoke` runs of the same key at once: the server deletes it
// for one of them, so only that one may say it revoked the key. The others
// find it revoked here once they get the data folder's lock.

const MERCHANT = 'merchant@sandbox.test';
const SLOW = 120_000;

const cli = useCliWithServer(SLOW);

describe('btcpay-keys key revoke, three at once', () => {
  it(
    'revokes once, logs once, and ends the others with exit 7',
    async () => {
      const { id } = await importMintedKey(cli, MERCHANT, 'Revoke at once');
      // Hold every revocation request, so all three runs read the record
      // as not revoked before any of them marks it.
      cli.sandbox.admin.setFault({
        kind: 'slow',
        paths: ['/api/v1/api-keys/current'],
        delayMs: 1_500,
      });
      const runs = await Promise.all(
        [1, 2, 3].map(() => runCli(cli.home, ['key', 'revoke', id, '--yes'])),
      ).finally(() => cli.sandbox.admin.setFault(null));

      const codes = runs.map((run) => run.code).sort();
      expect(codes, runs.map((run) => run.stderr).join('\n')).toEqual([
        0, 7, 7,
      ]);
      const [winner] = runs.filter((run) => run.code === 0);
      // Usually "Revoked …"; a run the server answered "unknown key" may
      // still reach the lock first, and then says the server no longer knew.
      expect(winner?.stdout).toContain('"Revoke at once"');
      for (const loser of runs.filter((run) => run.code === 7)) {
        expect(loser.stderr).toMatch(/^Error: .*already revoked here on /);
        expect(loser.stderr).toMatch(/^Next: /m);
        expect(loser.stdout).toBe('');
      }

      const { events } = await runCliJson<{
        events: { action: string; keyId?: string }[];
      }>(cli.home, ['log']);
      const revoked = events.filter(
        (event) => event.action === 'key.revoked' && event.keyId === id,
      );
      expect(revoked).toHaveLength(1);
    },
    SLOW,
  );
});
