import { describe, expect, it } from 'vitest';
import { passwordOf } from '../keys/fixtures';
import { runCli, runCliJson, type CliRun } from './run-cli';
import { keyCreateArgs, useCliWithServer } from './with-server';

// A label is 1 to 200 characters, as in the app: anything else is refused
// with exit 2 before a request reaches the server.

const SLOW = 120_000;
const MERCHANT = 'merchant@sandbox.test';
const TOO_LONG = 'L'.repeat(5000);

const cli = useCliWithServer(SLOW);

async function expectRefusedUnsent(
  args: string[],
  input = '',
  option = '--label',
): Promise<CliRun> {
  const sent = cli.sandbox.admin.requests.length;
  const run = await runCli(cli.home, args, { input });
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(
    new RegExp(`^Error: ${option} .*1 to 200 characters`, 'm'),
  );
  expect(run.stderr).toMatch(/^Next: Give .* a label of 1 to 200/m);
  expect(cli.sandbox.admin.requests.length).toBe(sent);
  return run;
}

function createArgs(label: string): string[] {
  return [
    ...keyCreateArgs(cli, label),
    ...['--permission', 'btcpay.store.canviewinvoices'],
    ...['--user', MERCHANT, '--password-stdin'],
  ];
}

describe('btcpay-keys labels', () => {
  it(
    'refuses an empty or a 5000-character label for key create',
    async () => {
      const password = passwordOf(cli.sandbox, MERCHANT);
      const empty = await expectRefusedUnsent(createArgs(''), password);
      expect(empty.stderr).toContain('--label is empty');
      for (const blank of ['   ', '\t']) {
        const blanks = await expectRefusedUnsent(createArgs(blank), password);
        expect(blanks.stderr).toContain('--label is only blanks');
      }
      const long = await expectRefusedUnsent(createArgs(TOO_LONG), password);
      expect(long.stderr).toContain('is 5000 characters long');
      expect(long.stderr).not.toContain(TOO_LONG);
    },
    SLOW,
  );

  it(
    'refuses a bad --label for key import, and stores nothing',
    async () => {
      const secret = cli.sandbox.admin.mintKey(MERCHANT, [], 'From server');
      for (const label of ['', TOO_LONG]) {
        await expectRefusedUnsent(
          [
            ...['key', 'import', '--server', cli.sandbox.url],
            ...['--key-stdin', '--label', label],
          ],
          secret,
        );
      }
      expect(await runCliJson(cli.home, ['key', 'list'])).toEqual([]);
    },
    SLOW,
  );

  it(
    'refuses an empty or too long --name for authorize',
    async () => {
      for (const name of ['', TOO_LONG]) {
        await expectRefusedUnsent(
          [
            ...['authorize', '--server', cli.sandbox.url, '--no-browser'],
            ...['--permission', 'btcpay.store.canviewinvoices'],
            ...['--name', name],
          ],
          '',
          '--name',
        );
      }
    },
    SLOW,
  );
});
