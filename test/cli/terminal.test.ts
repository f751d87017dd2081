import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../sandbox';
import { passwordOf } from '../keys/fixtures';
import {
  importMintedKey,
  startCliWithServer,
  stopCliWithServer,
  type CliWithServer,
} from './with-server';
import { makeHome, removeHome, runCli, runCliJson } from './run-cli';
import { runInTerminal } from './terminal';

const MERCHANT = 'merchant@sandbox.test';
const SLOW = 120_000;

let cli: CliWithServer;
let sandbox: Sandbox;
let home: string;

beforeAll(async () => {
  cli = await startCliWithServer();
  ({ sandbox, home } = cli);
}, SLOW);

afterAll(() => stopCliWithServer(cli));

describe('btcpay-keys on a terminal', () => {
  it(
    'asks for the password without echoing it',
    async () => {
      const password = passwordOf(sandbox, MERCHANT);
      const run = await runInTerminal(
        home,
        [
          'key',
          'create',
          '--server',
          sandbox.url,
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
      const secret = sandbox.admin.mintKey(MERCHANT, [], 'Typed key');
      const run = await runInTerminal(
        home,
        ['key', 'import', '--server', sandbox.url],
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
      const declined = await runInTerminal(home, ['key', 'revoke', id], {
        answers: [{ after: /\[y\/N\]/, send: 'n\r' }],
      });
      expect(declined.code).toBe(6);
      expect(
        sandbox.admin.keysOf(MERCHANT).some((k) => k.apiKey === secret),
      ).toBe(true);

      const confirmed = await runInTerminal(home, ['key', 'revoke', id], {
        answers: [{ after: /\[y\/N\]/, send: 'y\r' }],
      });
      expect(confirmed.code, confirmed.screen).toBe(0);
      expect(
        sandbox.admin.keysOf(MERCHANT).some((k) => k.apiKey === secret),
      ).toBe(false);
    },
    SLOW,
  );

  it(
    'asks before deleting a key here, and deletes nothing when declined',
    async () => {
      const { id } = await importMintedKey(cli, MERCHANT, 'Delete on terminal');
      const listedIds = async () =>
        (await runCliJson<{ id: string }[]>(home, ['key', 'list'])).map(
          (key) => key.id,
        );
      const declined = await runInTerminal(
        home,
        ['key', 'delete', id, '--local-only'],
        { answers: [{ after: /\[y\/N\]/, send: 'n\r' }] },
      );
      expect(declined.code).toBe(6);
      expect(await listedIds()).toContain(id);

      const confirmed = await runInTerminal(
        home,
        ['key', 'delete', id, '--local-only'],
        { answers: [{ after: /\[y\/N\]/, send: 'y\r' }] },
      );
      expect(confirmed.code, confirmed.screen).toBe(0);
      expect(await listedIds()).not.toContain(id);
    },
    SLOW,
  );

  it(
    'asks before removing a server, and keeps it when declined',
    async () => {
      const own = await makeHome();
      try {
        await runCli(own, ['server', 'add', sandbox.url]);
        const declined = await runInTerminal(
          own,
          ['server', 'remove', sandbox.url],
          { answers: [{ after: /\[y\/N\]/, send: 'n\r' }] },
        );
        expect(declined.code).toBe(6);
        expect(
          await runCliJson<unknown[]>(own, ['server', 'list']),
        ).toHaveLength(1);

        const confirmed = await runInTerminal(
          own,
          ['server', 'remove', sandbox.url],
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
      const run = await runInTerminal(home, ['key', 'reveal', id], {
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
      const run = await runInTerminal(home, ['key', 'verify', '--all']);
      expect(run.code, run.screen).toBe(0);
      expect(run.screen).toMatch(/Verifying \d+\/\d+/);
    },
    SLOW,
  );
});
