import { describe, expect, it } from 'vitest';
import { passwordOf } from '../keys/fixtures';
import { importMintedKey, useCliWithServer } from './with-server';
import { makeHome, removeHome, runCli, runCliJson } from './run-cli';
import { runInTerminal } from './terminal';

const MERCHANT = 'merchant@sandbox.test';
const SLOW = 120_000;

const cli = useCliWithServer(SLOW);

describe('btcpay-keys on a terminal', () => {
  it(
    'asks for the password without echoing it',
    async () => {
      const password = passwordOf(cli.sandbox, MERCHANT);
      const run = await runInTerminal(
        cli.home,
        [
          'key',
          'create',
          '--server',
          cli.sandbox.url,
          '--label',
          'Typed password',
          '--permission',
          'btcpay.store.canviewinvoices',
          '--user',
          MERCHANT,
        ],
        {
          answers: [
            {
              after: /Password for merchant@sandbox\.test: /,
              send: `${password}\r`,
            },
          ],
        },
      );
      expect(run.code, run.screen).toBe(0);
      expect(run.screen).toMatch(/Created\S* "Typed password"/);
      expect(run.screen).not.toContain(password);
    },
    SLOW,
  );

  it(
    'asks for a key to import without echoing it',
    async () => {
      const secret = cli.sandbox.admin.mintKey(MERCHANT, [], 'Typed key');
      const run = await runInTerminal(
        cli.home,
        ['key', 'import', '--server', cli.sandbox.url],
        {
          answers: [{ after: /API key for .*: /, send: `${secret}\r` }],
        },
      );
      expect(run.code, run.screen).toBe(0);
      expect(run.screen).toMatch(/Imported\S* "Typed key"/);
      expect(run.screen).not.toContain(secret);
    },
    SLOW,
  );

  it(
    'cancels a revocation the user declines, with exit 6, and revokes when confirmed',
    async () => {
      const { id, secret } = await importMintedKey(cli, MERCHANT, 'Confirm me');
      const declined = await runInTerminal(cli.home, ['key', 'revoke', id], {
        answers: [{ after: /\[y\/N\]/, send: 'n\r' }],
      });
      expect(declined.code).toBe(6);
      expect(
        cli.sandbox.admin.keysOf(MERCHANT).some((k) => k.apiKey === secret),
      ).toBe(true);

      const confirmed = await runInTerminal(cli.home, ['key', 'revoke', id], {
        answers: [{ after: /\[y\/N\]/, send: 'y\r' }],
      });
      expect(confirmed.code, confirmed.screen).toBe(0);
      expect(
        cli.sandbox.admin.keysOf(MERCHANT).some((k) => k.apiKey === secret),
      ).toBe(false);
    },
    SLOW,
  );

  it(
    'asks before deleting a key here, and deletes nothing when declined',
    async () => {
      const { id } = await importMintedKey(cli, MERCHANT, 'Delete on terminal');
      const listedIds = async () =>
        (await runCliJson<{ id: string }[]>(cli.home, ['key', 'list'])).map(
          (key) => key.id,
        );
      const declined = await runInTerminal(
        cli.home,
        ['key', 'delete', id, '--local-only'],
        { answers: [{ after: /\[y\/N\]/, send: 'n\r' }] },
      );
      expect(declined.code).toBe(6);
      // The user's own "no" is said plainly, not as an error.
      expect(declined.screen).toMatch(/^Cancelled; nothing changed\.\r?$/m);
      expect(declined.screen).not.toContain('Error:');
      expect(await listedIds()).toContain(id);

      const confirmed = await runInTerminal(
        cli.home,
        ['key', 'delete', id, '--local-only'],
        { answers: [{ after: /\[y\/N\]/, send: 'y\r' }] },
      );
      expect(confirmed.code, confirmed.screen).toBe(0);
      expect(await listedIds()).not.toContain(id);
    },
    SLOW,
  );

  it(
    'says a key it deleted was already revoked when that happened while it asked',
    async () => {
      const { id } = await importMintedKey(cli, MERCHANT, 'Revoked meanwhile');
      const run = await runInTerminal(
        cli.home,
        ['key', 'delete', id, '--local-only'],
        {
          answers: [
            {
              after: /\[y\/N\]/,
              send: async () => {
                const revoke = await runCli(cli.home, [
                  'key',
                  'revoke',
                  id,
                  '--yes',
                ]);
                expect(revoke.code, revoke.stderr).toBe(0);
                return 'y\r';
              },
            },
          ],
        },
      );
      expect(run.code, run.screen).toBe(0);
      expect(run.screen).toMatch(/it was already revoked on \d{4}-/);
      expect(run.screen).not.toContain('still works on the server');
    },
    SLOW,
  );

  it(
    'asks before removing a server, and keeps it when declined',
    async () => {
      const own = await makeHome();
      try {
        await runCli(own, ['server', 'add', cli.sandbox.url]);
        const declined = await runInTerminal(
          own,
          ['server', 'remove', cli.sandbox.url],
          { answers: [{ after: /\[y\/N\]/, send: 'n\r' }] },
        );
        expect(declined.code).toBe(6);
        expect(
          await runCliJson<unknown[]>(own, ['server', 'list']),
        ).toHaveLength(1);

        const confirmed = await runInTerminal(
          own,
          ['server', 'remove', cli.sandbox.url],
          { answers: [{ after: /\[y\/N\]/, send: 'y\r' }] },
        );
        expect(confirmed.code, confirmed.screen).toBe(0);
        expect(await runCliJson<unknown[]>(own, ['server', 'list'])).toEqual(
          [],
        );
      } finally {
        await removeHome(own);
      }
    },
    SLOW,
  );

  it(
    'reveals a key after confirmation',
    async () => {
      const { id, secret } = await importMintedKey(
        cli,
        MERCHANT,
        'Reveal on terminal',
      );
      const run = await runInTerminal(cli.home, ['key', 'reveal', id], {
        answers: [{ after: /\[y\/N\]/, send: 'y\r' }],
      });
      expect(run.code).toBe(0);
      expect(run.screen).toContain(secret);
    },
    SLOW,
  );

  it(
    'shows a progress line while verifying',
    async () => {
      const run = await runInTerminal(cli.home, ['key', 'verify', '--all']);
      expect(run.code, run.screen).toBe(0);
      expect(run.screen).toMatch(/Verifying \d+\/\d+/);
    },
    SLOW,
  );
});
