import { beforeAll, describe, expect, it } from 'vitest';
import { storeOf } from '../keys/fixtures';
import { runCli } from '../cli/run-cli';
import { hasEscapeCodes, runInTerminal } from '../cli/terminal';
import { importMintedKey, useCliWithServer } from '../cli/with-server';
import { startRequesterProcess } from './requester-process';

// `btcpay-keys link handle` as a merchant answers it: on a real terminal by
// prompt, and with flags for a request that asks for one store.

const MERCHANT = 'merchant@sandbox.test';
const VIEW = 'btcpay.store.canviewinvoices';
const SLOW = 120_000;

const cli = useCliWithServer(SLOW);

beforeAll(async () => {
  await importMintedKey(cli, MERCHANT, 'manager', ['unrestricted']);
}, SLOW);

const plain = (screen: string) =>
  // Colour codes and carriage returns from the terminal, out of the way.
  // eslint-disable-next-line no-control-regex
  screen.replace(/\u001b\[[0-9;]*m/g, '').replace(/\r/g, '');

describe('btcpay-keys link handle on a terminal', () => {
  it(
    'shows the request in words, asks yes or no and how to get the key, then delivers it',
    async () => {
      const requester = startRequesterProcess(
        cli.home,
        cli.sandbox.url,
        [VIEW],
        {
          name: 'Till',
          identifier: 'till-tty',
        },
      );
      const link = await requester.link;
      const run = await runInTerminal(cli.home, ['link', 'handle', link], {
        answers: [
          { after: /Give this app a key\? \[y\/N\] $/, send: 'y\r' },
          // Enter takes the server's usual way: the manager key here.
          { after: /Choose 1-3 \[1\]: $/, send: '\r' },
        ],
      });
      const screen = plain(run.screen);

      expect(run.code, screen).toBe(0);
      expect(screen).toContain(
        'Till (unverified: any program can open a link)',
      );
      expect(screen).toContain('  identifier: till-tty');
      expect(screen).toContain('  risks: All stores, Read-only');
      expect(screen).toMatch(/listening on that port: node \(pid \d+\)/);
      expect(screen).toContain(
        'How should the key be obtained?\n' +
          '  1. create a new key with the manager key (default)\n' +
          '  2. approve a new key in the browser on BTCPay\n' +
          '  3. create a new key by signing in with a BTCPay password',
      );
      expect(screen).toMatch(/stored and sent to the app/);
      expect(hasEscapeCodes(run.screen)).toBe(true);
      const { code, answer } = await requester.done;
      expect(code).toBe(0);
      expect((answer as { permissions: string[] }).permissions).toEqual([VIEW]);
    },
    SLOW,
  );

  it(
    'lets the merchant pick the store from the manager key’s list for a store-limited request',
    async () => {
      const store = storeOf(cli.sandbox, MERCHANT);
      const requester = startRequesterProcess(
        cli.home,
        cli.sandbox.url,
        [VIEW],
        {
          selectStore: true,
        },
      );
      const link = await requester.link;
      const run = await runInTerminal(
        cli.home,
        ['link', 'handle', link, '--method', 'manager'],
        {
          answers: [
            { after: /Give this app a key\? \[y\/N\] $/, send: 'y\r' },
            { after: /Store 1-\d+: $/, send: '1\r' },
          ],
        },
      );
      const screen = plain(run.screen);

      expect(run.code, screen).toBe(0);
      expect(screen).toContain('you pick the one store it applies to');
      expect(screen).toMatch(new RegExp(`1\\. .+ \\(${store}\\)`));
      const { answer } = await requester.done;
      expect((answer as { permissions: string[] }).permissions).toEqual([
        `${VIEW}:${store}`,
      ]);
    },
    SLOW,
  );

  it(
    'refuses to answer when the merchant types no',
    async () => {
      const requester = startRequesterProcess(cli.home, cli.sandbox.url, [
        VIEW,
      ]);
      const link = await requester.link;
      const run = await runInTerminal(cli.home, ['link', 'handle', link], {
        answers: [{ after: /Give this app a key\? \[y\/N\] $/, send: 'n\r' }],
      });
      expect(run.code).toBe(6);
      expect(run.screen).toMatch(
        /^Refused; the app was told \(access_denied\)\.\r?$/m,
      );
      expect(run.screen).not.toContain('Error:');
      expect((await requester.done).answer).toMatchObject({
        error: 'access_denied',
      });
    },
    SLOW,
  );
});

describe('btcpay-keys link handle for a store-limited request in a script', () => {
  it(
    'refuses --method manager without --store, listing the stores, and makes no key',
    async () => {
      const store = storeOf(cli.sandbox, MERCHANT);
      const keysBefore = cli.sandbox.admin.keysOf(MERCHANT).length;
      const requester = startRequesterProcess(
        cli.home,
        cli.sandbox.url,
        [VIEW],
        {
          selectStore: true,
        },
      );
      try {
        const link = await requester.link;
        const run = await runCli(cli.home, [
          'link',
          'handle',
          link,
          '--yes',
          '--method',
          'manager',
        ]);
        expect(run.code).toBe(2);
        expect(run.stderr).toMatch(/pick one store/);
        expect(run.stderr).toContain(`--store with one of: ${store} (`);
        expect(cli.sandbox.admin.keysOf(MERCHANT)).toHaveLength(keysBefore);
      } finally {
        requester.stop();
      }
    },
    SLOW,
  );

  it(
    'makes the key for the store given with --store',
    async () => {
      const store = storeOf(cli.sandbox, MERCHANT);
      const requester = startRequesterProcess(
        cli.home,
        cli.sandbox.url,
        [VIEW],
        {
          selectStore: true,
        },
      );
      const link = await requester.link;
      const run = await runCli(cli.home, [
        'link',
        'handle',
        link,
        '--yes',
        '--method',
        'manager',
        '--store',
        store,
      ]);
      expect(run.code, run.stderr).toBe(0);
      const { answer } = await requester.done;
      expect((answer as { permissions: string[] }).permissions).toEqual([
        `${VIEW}:${store}`,
      ]);
    },
    SLOW,
  );
});

describe('btcpay-keys link handle with a store name that carries control characters', () => {
  it(
    'lists the store in printable text, so its name cannot rewrite the picker',
    async () => {
      const forged = `Evil\u001b[2K\r  9. Trusted store (st_fake)\u202e`;
      cli.sandbox.admin.addStore(MERCHANT, forged);
      const requester = startRequesterProcess(
        cli.home,
        cli.sandbox.url,
        [VIEW],
        { selectStore: true },
      );
      const run = await runInTerminal(
        cli.home,
        ['link', 'handle', await requester.link, '--method', 'manager'],
        {
          answers: [
            { after: /Give this app a key\? \[y\/N\] $/, send: 'y\r' },
            { after: /Store 1-\d+: $/, send: '1\r' },
          ],
        },
      );

      expect(run.code, run.screen).toBe(0);
      const line = run.screen.split('\n').find((text) => text.includes('Evil'));
      // eslint-disable-next-line no-control-regex
      expect(line).toMatch(/^ {2}\d+\. Evil[^\r\u001b\u202e]*Trusted store/);
      expect(run.screen).not.toContain('\u001b[2K');
      expect(run.screen).not.toContain('\u202e');
      await requester.done;
    },
    SLOW,
  );
});
