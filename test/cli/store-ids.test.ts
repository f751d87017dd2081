import { beforeAll, describe, expect, it } from 'vitest';
import { passwordOf, storeOf } from '../keys/fixtures';
import { startRequesterProcess } from '../delegation/requester-process';
import type { Sandbox } from '../sandbox';
import { runCli } from './run-cli';
import { importMintedKey, useCliWithServer } from './with-server';

// A --store id is checked against the stores of the account the key is
// minted with, where that costs no password attempt: the manager key's own
// list. The manager key here is the merchant's.

const MERCHANT = 'merchant@sandbox.test';
const ADMIN = 'admin@sandbox.test';
const VIEW = 'btcpay.store.canviewinvoices';
const SLOW = 120_000;

const cli = useCliWithServer(SLOW);

beforeAll(async () => {
  await importMintedKey(cli, MERCHANT, 'manager', ['unrestricted']);
}, SLOW);

const create = (...flags: string[]) =>
  ['key', 'create', '--server', cli.sandbox.url, '--permission', VIEW].concat(
    flags,
  );

/** Requests that carried a password (each one a sign-in attempt). */
function basicRequests(sandbox: Sandbox): number {
  return sandbox.admin.requests.filter((request) =>
    String(request.headers.authorization ?? '').startsWith('Basic '),
  ).length;
}

describe('btcpay-keys key create --store', () => {
  it(
    'refuses a store the manager key does not reach, listing the ones it does, and mints nothing',
    async () => {
      const before = cli.sandbox.admin.keysOf(MERCHANT).length;
      const run = await runCli(
        cli.home,
        create('--label', 'Nowhere', '--store', 'NoSuchStore'),
      );
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toContain(
        'Error: The manager key reaches no store with the id "NoSuchStore"',
      );
      expect(run.stderr).toContain(
        `Next: Give --store with one of: ${storeOf(cli.sandbox, MERCHANT)} (`,
      );
      expect(cli.sandbox.admin.keysOf(MERCHANT)).toHaveLength(before);

      const good = await runCli(
        cli.home,
        create(
          '--label',
          'Somewhere',
          '--store',
          storeOf(cli.sandbox, MERCHANT),
        ),
      );
      expect(good.code, good.stderr).toBe(0);
    },
    SLOW,
  );

  it(
    "checks the manager key's account's own password sign-in without sending the password",
    async () => {
      const attempts = basicRequests(cli.sandbox);
      const run = await runCli(
        cli.home,
        create(
          '--label',
          'Nowhere',
          '--store',
          'NoSuchStore',
          '--user',
          MERCHANT,
          '--password-stdin',
        ),
        { input: passwordOf(cli.sandbox, MERCHANT) },
      );
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toContain('reaches no store with the id');
      expect(basicRequests(cli.sandbox)).toBe(attempts);
    },
    SLOW,
  );
});

describe('btcpay-keys link handle --method basic --store', () => {
  it(
    "takes the signing-in account's own store although the manager key is another account's",
    async () => {
      const store = storeOf(cli.sandbox, ADMIN);
      const before = cli.sandbox.admin.keysOf(ADMIN).length;
      const attempts = basicRequests(cli.sandbox);
      const requester = startRequesterProcess(
        cli.home,
        cli.sandbox.url,
        [VIEW],
        { selectStore: true },
      );
      try {
        const run = await runCli(
          cli.home,
          [
            ...['link', 'handle', await requester.link, '--yes'],
            ...['--method', 'basic', '--user', ADMIN, '--password-stdin'],
            ...['--store', store],
          ],
          { input: passwordOf(cli.sandbox, ADMIN) },
        );
        expect(run.code, run.stderr).toBe(0);
        expect(run.stderr).toContain(`Could not check the store id "${store}"`);
        expect(cli.sandbox.admin.keysOf(ADMIN)).toHaveLength(before + 1);
        // The one request that mints the key, and no listing before it.
        expect(basicRequests(cli.sandbox)).toBe(attempts + 1);
      } finally {
        requester.stop();
      }
    },
    SLOW,
  );
});
